import { mkdirSync, readdirSync } from "node:fs";
import { join } from "node:path";
import type { LoadedGrid } from "../grid/load.ts";
import { runGrid } from "../lab/run-grid.ts";
import type { ProgressObserver } from "../progress/observer.ts";
import { runTune, type TuneSummary } from "./run-tune.ts";
import type { TrialResult } from "./trial.ts";
import type { Strategy } from "./tuner.ts";
import { readTrials } from "./tune-csv.ts";

export interface SeedResult {
  seed: number;
  winner?: string;
  /** The chosen configuration's objective in the exhaustive run (the ground truth). */
  value?: number;
  /** |value - best| / |best| <= 3%. */
  within: boolean;
  /** Engine-seconds the tune spent over the exhaustive run's. */
  share: number;
}

export interface Evaluation {
  best: number;
  bestConfig: string;
  exhaustiveS: number;
  seeds: SeedResult[];
  withinCount: number;
  maxShare: number;
}

export interface EvaluateOptions {
  seeds: number[];
  strategy: Strategy;
  budget: string;
  simulate: boolean;
  timeScale: number;
  /** Simulator hardware profile (default: the calibrated 2x RTX 4090). */
  hardware?: string;
  out: string;
  progress: ProgressObserver;
  signal: AbortSignal;
  /** Within this relative distance of the exhaustive winner's objective counts as found (issue 13: 3%). */
  tolerance?: number;
  /** An earlier evaluation's directory in `out` to reuse: its warmed cache and exhaustive trials are not run again. */
  reuse?: boolean;
}

/**
 * The tuner against ground truth: the exhaustive run (every configuration in full), then one tune per seed;
 * for each, whether its winner's true objective is within `tolerance` of the best and what share of the
 * exhaustive engine-seconds it spent. On the simulator the compile cache is warmed first (as on a box that
 * served these configurations before), so every start costs the same whatever the order, and measurements are
 * shared between the tunes (the simulator is deterministic: tests/sim-clock.test.ts).
 */
export async function evaluateTuner(loaded: LoadedGrid, o: EvaluateOptions): Promise<Evaluation> {
  mkdirSync(o.out, { recursive: true });
  const cache = new Map<string, TrialResult>();
  const common = { simulate: o.simulate, timeScale: o.timeScale, hardware: o.hardware, progress: o.progress, signal: o.signal, trialCache: cache };
  const earlier = o.reuse ? readdirSync(o.out).filter((d) => d.startsWith("exhaustive")).flatMap((d) => readTrials(join(o.out, d))) : [];
  for (const t of earlier) cache.set(JSON.stringify([t.config, "full", loaded.grid.suites, loaded.grid.repetitions]), t);
  if (o.simulate && !earlier.length) {
    const warm = { ...loaded, grid: { ...loaded.grid, suites: [{ kind: "decode", options: { output_tokens: 2, requests: 1, warmup: 0, repetitions: 1 } }] } };
    await runGrid(warm, { ...common, out: join(o.out, "prewarm"), parallel: 2 });
  }
  const exhaustive = await runTune(loaded, { ...common, strategy: "exhaustive", out: join(o.out, earlier.length ? `exhaustive-${Date.now()}` : "exhaustive") });
  const truth = truthOf(exhaustive);
  const best = [...truth.entries()].sort((a, b) => sign(exhaustive) * (a[1] - b[1]))[0];
  const seeds: SeedResult[] = [];
  for (const seed of o.seeds) {
    const s = await runTune(loaded, { ...common, strategy: o.strategy, budget: o.budget, seed, out: join(o.out, `${o.strategy}-seed-${seed}-${Date.now()}`) });
    const value = s.winner ? truth.get(s.winner.config) : undefined;
    const within = value !== undefined && Math.abs(value - best[1]) <= (o.tolerance ?? 0.03) * Math.abs(best[1]);
    seeds.push({ seed, winner: s.winner?.config, value, within, share: s.spentS / exhaustive.spentS });
  }
  return {
    best: best[1], bestConfig: best[0], exhaustiveS: exhaustive.spentS, seeds,
    withinCount: seeds.filter((s) => s.within).length, maxShare: Math.max(...seeds.map((s) => s.share)),
  };
}

function truthOf(s: TuneSummary): Map<string, number> {
  const out = new Map<string, number>();
  for (const d of s.decisions) if (d.trial?.fidelity === "full" && d.trial.objective !== undefined && !d.trial.errors) out.set(d.config, d.trial.objective);
  return out;
}

function sign(s: TuneSummary): number {
  return s.objective.direction === "max" ? -1 : 1;
}
