import { mkdirSync, writeFileSync, chmodSync } from "node:fs";
import { join, resolve } from "node:path";
import { stringify } from "yaml";
import type { Grid } from "../grid/schema.ts";
import { badInput } from "../errors.ts";
import { loadRun } from "../report/load-run.ts";
import { closestMiss, describeCheck, round, selectWinner, type Selection } from "../report/select.ts";
import { composeProject, containerModelPath } from "./compose.ts";
import { composeYaml } from "../launchers/compose.ts";
import { claudeEnvFile, envExample } from "./env-files.ts";
import { explain } from "./explain.ts";
import { gridOf, productionEngine, renderLaunch } from "./launch.ts";
import { profileDoc } from "./profile.ts";
import { serveScript } from "./serve-script.ts";
import { preferTuneWinner, readTune } from "./tune-choice.ts";
import { redactText } from "../util/secrets.ts";

export interface PromoteOptions {
  objective?: string;
  slos?: string[];
  name?: string;
}

export interface PromoteResult {
  dir: string;
  files: string[];
  explanation: string;
  selection: Selection;
}

/** `bench promote`: picks the winning configuration of a run and writes RUN_DIR/production/. */
export function promote(runDir: string, opts: PromoteOptions = {}): PromoteResult {
  const run = loadRun(runDir);
  const tune = readTune(run.dir);
  const ownObjective = !opts.objective && !opts.slos?.length;
  const sel = selectWinner(run, { ...opts, objective: opts.objective ?? tune?.settings?.objective });
  const tuned = ownObjective ? preferTuneWinner(sel, tune) : undefined;
  if (!sel.winner) throw noWinner(sel);
  const grid = gridOf(run);
  const engine = productionEngine(run);
  const name = opts.name ?? grid.name;
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name)) throw badInput(`--name '${name}': letters, digits, '.', '_' or '-' only`);
  const server = sel.winner.candidate.server;
  const modelFile = engine === "llamacpp" ? (run.manifest as { model_path?: string }).model_path ?? resolve(grid.model) : undefined;
  const header = [`tunelab profile '${name}' from ${run.dir}${run.simulated ? " (SIMULATED run: re-measure on the target machine)" : ""}`];
  const files: Record<string, string> = {
    "profile.yaml": `# ${header[0]}\n` + stringify(profileDoc(run, grid, sel, name, engine)),
    "serve.sh": serveScript(renderLaunch(run, server, { host: "127.0.0.1" }), engine, header),
    "compose.yaml": `# ${header[0]}\n# docker compose -p ${name.toLowerCase().replace(/[^a-z0-9_-]/g, "-")} -f compose.yaml --env-file .env up -d   (v1: docker-compose, same arguments)\n` + composeYaml(composeProject({
      name, engine, grid, gpu: (run.manifest.host?.gpus.length ?? 0) > 0 || "CUDA_VISIBLE_DEVICES" in grid.env, modelFile,
      spec: renderLaunch(run, server, { host: "0.0.0.0", model: modelFile ? containerModelPath(modelFile) : undefined }),
      args: { ...grid.args, ...server }, image: measuredImage(run.manifest.launcher, grid),
    })),
  };
  files[".env.example"] = envExample([files["compose.yaml"], files["serve.sh"]]);
  const args: Record<string, unknown> = { ...grid.args, ...server };
  const context = Number(args["max-model-len"] ?? args["ctx-size"] ?? args.c ?? NaN);
  files["claude.env"] = claudeEnvFile(grid.served_name ?? (engine === "vllm" ? grid.model : "model"), Number.isFinite(context) && context > 0 ? context : undefined);
  const dir = join(run.dir, "production");
  mkdirSync(dir, { recursive: true });
  const written = Object.entries(files).map(([file, text]) => {
    writeFileSync(join(dir, file), redactText(text));
    return join(dir, file);
  });
  chmodSync(join(dir, "serve.sh"), 0o755);
  return { dir, files: written, explanation: explain(sel) + (tuned ? `\n  tune: ${tuned}` : ""), selection: sel };
}

/** The image a docker run measured, so the profile deploys what was benchmarked. */
function measuredImage(launcher: unknown, grid: Grid): string | undefined {
  const image = grid.launcher.options.image;
  return launcher === "docker" && typeof image === "string" ? image : undefined;
}

function noWinner(sel: Selection): Error {
  const closest = closestMiss(sel);
  if (closest) {
    const missed = closest.checks.filter((c) => !c.ok).map(describeCheck).join("; ");
    return badInput(`no configuration meets the SLOs; closest: ${closest.candidate.label} (points ${closest.candidate.pointIds.join(", ")}) misses ${missed}`,
      `relax the SLO or measure more configurations; its ${sel.objective.metric} is ${round(closest.objective as number)}`);
  }
  const reasons = [...new Set(sel.evaluated.map((e) => e.excluded))].join("; ");
  return badInput(`no configuration can win: ${reasons}`, "see the failure column of points.csv and the logs/ of the run");
}
