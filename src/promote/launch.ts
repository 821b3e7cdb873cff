import { engineFor } from "../engines/registry.ts";
import type { LaunchSpec } from "../engines/types.ts";
import { GridSchema, type Grid, type ParamValue } from "../grid/schema.ts";
import { badInput } from "../errors.ts";
import type { LoadedRun } from "../report/load-run.ts";

/** The engine a profile deploys: a simulated run stands in for vLLM, so its profile serves vLLM. */
export function productionEngine(run: LoadedRun): "vllm" | "llamacpp" {
  const kind = run.engine === "sim" ? "vllm" : run.engine;
  if (kind !== "vllm" && kind !== "llamacpp") throw badInput(`${run.dir}: engine '${run.engine}' cannot be promoted`, "known: vllm, llamacpp");
  return kind;
}

export function gridOf(run: LoadedRun): Grid {
  const parsed = GridSchema.safeParse(run.manifest.grid);
  if (!parsed.success) throw badInput(`${run.dir}/manifest.json: the grid it records is incomplete (${parsed.error.issues[0].path.join(".")})`, "promote needs a run written by `bench grid` of this lab version or later");
  return parsed.data;
}

export const DEFAULT_PORT = { vllm: 8000, llamacpp: 8080 } as const;

/** The exact engine command of the winning configuration, via the same adapter `bench grid` launched it with. */
export function renderLaunch(run: LoadedRun, server: Record<string, ParamValue>, where: { host: string; model?: string }): LaunchSpec {
  const grid = gridOf(run);
  const kind = productionEngine(run);
  const m = run.manifest as { engine_binary?: string; model_path?: string };
  const binary = grid.binary ?? m.engine_binary ?? (kind === "vllm" ? "vllm" : "llama-server");
  const model = where.model ?? (kind === "llamacpp" ? m.model_path : undefined) ?? grid.model;
  const spec = engineFor(kind).render({ grid, server, host: where.host, port: DEFAULT_PORT[kind], binary, model });
  // The dev mode only serves the benchmark's POST /reset_prefix_cache; production leaves it off.
  const { VLLM_SERVER_DEV_MODE: _dev, ...env } = spec.env;
  return { ...spec, env };
}
