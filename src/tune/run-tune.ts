import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { badInput } from "../errors.ts";
import { expandGrid, groupByServer } from "../grid/expand.ts";
import type { LoadedGrid } from "../grid/load.ts";
import { isClientParam } from "../grid/params.ts";
import type { ParamValue, SuiteEntry } from "../grid/schema.ts";
import { engineVersion, resolveEngine, type EngineOverrides } from "../lab/resolve-engine.ts";
import { monotonicClock } from "../client/types.ts";
import { launcherFor } from "../launchers/registry.ts";
import { stopAll } from "../launchers/reaper.ts";
import type { ProgressObserver } from "../progress/observer.ts";
import type { Manifest } from "../results/columns.ts";
import { buildManifest, readManifest } from "../results/manifest.ts";
import { measuredColumns } from "../lab/measured-columns.ts";
import { readCsv, toCsv } from "../results/csv.ts";
import { writeAtomic } from "../results/atomic.ts";
import { RunStore } from "../results/run-store.ts";
import { pointColumns } from "../results/columns.ts";
import { parseBudget, describeBudget } from "./budget.ts";
import { tuneObjective, type TuneObjective } from "./objective.ts";
import { seededRng } from "./rng.ts";
import { runTrial, type Config, type TrialContext, type TrialResult } from "./trial.ts";
import { appendTrial, readTrials, writeTuneCsv } from "./tune-csv.ts";
import { tunerPlan } from "./plan.ts";
import { Tuner, type Strategy, type TuneOutcome } from "./tuner.ts";
import { applyTuneSlos } from "./slo.ts";

export interface TuneOptions extends EngineOverrides {
  budget?: string;
  strategy?: string;
  objective?: string;
  slo?: string[];
  seed?: number;
  repetitions?: number;
  out?: string;
  resume?: string;
  timeScale?: number;
  progress: ProgressObserver;
  signal: AbortSignal;
  /**
   * Measurements to reuse across tunes of the same grid (the benchmark runs ten seeds over one space): a trial
   * of the same configuration, fidelity and suites is taken from here instead of run again. Only sound on an
   * engine whose results do not drift (the simulator, warm compile cache); `bench tune` never sets it.
   */
  trialCache?: Map<string, TrialResult>;
}

export interface TuneSummary extends TuneOutcome {
  outDir: string;
  objective: TuneObjective;
  configs: Config[];
  strategy: Strategy;
}

export const TUNE_JSON = "tune.json";
const STRATEGIES: Strategy[] = ["halving", "bayes", "exhaustive"];

/** `bench tune`: searches the grid's configurations under a budget of engine-seconds; a run directory like a grid's. */
export async function runTune(loaded: LoadedGrid, opts: TuneOptions): Promise<TuneSummary> {
  const strategy = (opts.strategy ?? "halving") as Strategy;
  if (!STRATEGIES.includes(strategy)) throw badInput(`--strategy ${opts.strategy}: expected ${STRATEGIES.join(", ")}`);
  const budget = parseBudget(opts.budget);
  const grid = applyTuneSlos(loaded.grid, opts.slo ?? [], loaded.file);
  const objective = tuneObjective(grid, opts.objective);
  const outDir = resolve(opts.resume ?? opts.out ?? join("results", grid.name, `tune-${new Date().toISOString().replace(/[:.]/g, "-").replace(/-\d{3}Z$/, "Z")}`));
  if (opts.resume && !existsSync(join(outDir, TUNE_JSON))) throw badInput(`--resume ${opts.resume}: no tune run there (${TUNE_JSON} missing)`);
  if (!opts.resume && existsSync(join(outDir, "points.csv"))) throw badInput(`--out ${outDir} already holds a run`, "use --resume to continue it, or choose another --out");
  const paramNames = Object.keys(grid.matrix);
  const cached = opts.resume ? resumeFrom(outDir, loaded, paramNames) : [];
  const stores = { full: new RunStore(outDir, paramNames, measuredColumns()), screen: new RunStore(join(outDir, "screen"), paramNames, measuredColumns()) };
  if (opts.resume) {
    stores.full.resume();
    stores.screen.resume();
  }
  const engine = await resolveEngine(grid, loaded.file, { ...opts, onSetup: (line) => opts.progress.note(line) });
  const timeScale = engine.simulation?.timeScale ?? 1;
  const configs = groupByServer(expandGrid(grid)).map((points): Config => ({ id: points[0].serverId, server: points[0].server, points }));
  const seed = opts.seed ?? 1;
  const settings = { strategy, budget: opts.budget ?? "35%", objective: objective.text, seed, slo: opts.slo ?? [], repetitions: opts.repetitions ?? 3 };
  const manifest: Manifest = opts.resume ? readManifest(join(outDir, "manifest.json")) : buildManifest({
    gridName: grid.name, gridFile: loaded.file, gridSha256: loaded.sha256, grid, engine: engine.kind,
    engineVersion: await engineVersion(engine), engineBinary: engine.simulated ? undefined : engine.binary,
    modelPath: engine.model, launcher: grid.launcher.kind, simulation: engine.simulation, paramNames, pointsTotal: expandGrid(grid).length,
  });
  stores.full.writeManifest({ ...manifest, ended_at: undefined });
  if (!opts.resume) writeFileSync(join(outDir, TUNE_JSON), JSON.stringify({ settings }, null, 2) + "\n");
  const ctx: TrialContext = {
    grid, stores, objective, paramNames,
    group: { engine, launcher: launcherFor(grid.launcher.kind), progress: opts.progress, clock: monotonicClock(), signal: opts.signal, timeScale, index: () => 0, total: configs.length },
  };
  const replay = [...cached];
  let trials = 0;
  const runner = async (config: Config, fidelity: TrialResult["fidelity"], suites: SuiteEntry[], repetitions?: number): Promise<TrialResult> => {
    const i = replay.findIndex((t) => t.config === config.id && t.fidelity === fidelity);
    if (i >= 0) return replay.splice(i, 1)[0];
    if (opts.signal.aborted) throw new Error("interrupted");
    const key = JSON.stringify([config.id, fidelity, suites, repetitions ?? grid.repetitions]);
    const reused = opts.trialCache?.get(key);
    if (reused) {
      appendTrial(outDir, reused);
      return reused;
    }
    ctx.group = { ...ctx.group, index: () => ++trials };
    opts.progress.note(`${fidelity} ${describe(config)}`);
    const t = await runTrial(ctx, config, fidelity, suites, repetitions);
    if (!opts.signal.aborted) {
      appendTrial(outDir, t);
      opts.trialCache?.set(key, t);
    }
    return t;
  };
  const space = serverSpace(grid.matrix);
  const plan = tunerPlan(grid.suites, objective, settings.repetitions);

  opts.progress.gridStart({ name: `tune ${grid.name} (${strategy}, ${describeBudget(budget)}, seed ${seed})`, points: configs.length, skipped: 0 });
  const tuner = new Tuner(configs, objective, plan, runner, budget, seededRng(seed), space);
  let outcome: TuneOutcome;
  try {
    outcome = await tuner.search(strategy);
  } finally {
    await stopAll();
    writeTuneCsv(outDir, tuner.decisions, configs, paramNames);
  }
  if (!opts.signal.aborted) {
    const winner = outcome.winner && configs.find((c) => c.id === outcome.winner?.config);
    writeFileSync(join(outDir, TUNE_JSON), JSON.stringify({
      settings, objective: { metric: objective.metric, scenario: objective.scenario, direction: objective.direction, suite: objective.suite },
      winner: winner && { server_id: winner.id, point_ids: winner.points.map((p) => p.id), params: winner.server, objective: outcome.winner?.objective, why: outcome.winner?.why },
      spent_engine_s: outcome.spentS, budget_engine_s: outcome.budgetS, exhaustive_estimate_engine_s: outcome.exhaustiveEstimateS,
    }, null, 2) + "\n");
    stores.full.writeManifest({ ...manifest, ended_at: new Date().toISOString() });
  }
  opts.progress.gridEnd({ ok: tuner.decisions.filter((d) => d.trial && !d.trial.failure).length, failed: tuner.decisions.filter((d) => d.decision === "failed").length, skipped: tuner.decisions.filter((d) => !d.trial).length, outDir });
  return { ...outcome, outDir, objective, configs, strategy };
}

function describe(c: Config): string {
  return Object.entries(c.server).map(([k, v]) => `${k}=${v}`).join(" ") || "(base)";
}

function serverSpace(matrix: Record<string, ParamValue[]>): Record<string, ParamValue[]> {
  return Object.fromEntries(Object.entries(matrix).filter(([k]) => !isClientParam(k)));
}

/** Trials recorded by the interrupted run (replayed, not rerun); rows of a trial that never finished are dropped. */
function resumeFrom(dir: string, loaded: LoadedGrid, paramNames: string[]): TrialResult[] {
  const manifest = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8")) as { grid_sha256?: string };
  if (manifest.grid_sha256 !== loaded.sha256) throw badInput(`--resume ${dir}: the grid file changed since that run (${loaded.file})`, "restore it, or start a new tune");
  const trials = readTrials(dir);
  const finished = new Set(trials.map((t) => t.startedAt).filter(Boolean));
  for (const file of [join(dir, "points.csv"), join(dir, "screen", "points.csv")]) {
    if (!existsSync(file)) continue;
    const kept = readCsv(file).filter((r) => finished.has(String(r.started_at)));
    writeAtomic(file, toCsv(pointColumns(paramNames, measuredColumns()), kept));
  }
  return trials;
}
