import { engineFor } from "../engines/registry.ts";
import type { LaunchSpec } from "../engines/types.ts";
import { GridSchema, type Grid, type ParamValue } from "../grid/schema.ts";
import { badInput } from "../errors.ts";
import type { LoadedRun } from "../report/load-run.ts";

/** The engine a profile deploys: a simulated run stands in for the engine it simulates (vLLM), so its profile serves that one. */
export function productionEngine(run: LoadedRun): "vllm" | "llamacpp" {
  const kind = engineFor(run.engine, `${run.dir}: engine`).simulates ?? run.engine;
  if (kind !== "vllm" && kind !== "llamacpp") throw badInput(`${run.dir}: engine '${run.engine}' cannot be promoted`, "known: vllm, llamacpp");
  return kind;
}

export function gridOf(run: LoadedRun): Grid {
  const parsed = GridSchema.safeParse(run.manifest.grid);
  if (!parsed.success) throw badInput(`${run.dir}/manifest.json: the grid it records is incomplete (${parsed.error.issues[0].path.join(".")})`, "promote needs a run written by `bench grid` of this lab version or later");
  return parsed.data;
}

/** The exact engine command of the winning configuration, via the same adapter `bench grid` launched it with. */
export function renderLaunch(run: LoadedRun, server: Record<string, ParamValue>, where: { host: string; model?: string }): LaunchSpec {
  const grid = gridOf(run);
  const kind = productionEngine(run);
  const m = run.manifest as { engine_binary?: string; model_path?: string };
  const adapter = engineFor(kind);
  const binary = grid.binary ?? m.engine_binary ?? adapter.defaultBinary;
  const model = where.model ?? (kind === "llamacpp" ? m.model_path : undefined) ?? grid.model;
  const spec = adapter.render({ grid, server, host: where.host, port: adapter.defaultPort, binary, model });
  // The dev mode only serves the benchmark's POST /reset_prefix_cache; production leaves it off.
  const { VLLM_SERVER_DEV_MODE: _dev, ...env } = spec.env;
  return { ...spec, env };
}
