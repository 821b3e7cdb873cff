import { resetPrefixCache } from "../client/cache-reset.ts";
import type { Slo } from "../metrics/goodput.ts";
import type { Repetition } from "../metrics/summarize.ts";
import type { Cell } from "../results/columns.ts";
import { ServerMeter } from "./server-meter.ts";
import type { ScenarioOutcome, SuiteContext } from "./types.ts";

/** Wraps the measured part of a repetition (warmup and priming requests stay outside it). */
export type Measure = <T>(fn: () => Promise<T>) => Promise<T>;

export interface ScenarioSpec {
  name: string;
  concurrency: number;
  repetitions: number;
  resetCache: boolean;
  slo?: Slo;
  /** One repetition; call `measure` around the requests that count. */
  run(rep: number, measure: Measure): Promise<Repetition>;
  /** Extra columns from the repetitions (e.g. tool_calls_ok). */
  extra?(reps: Repetition[]): Record<string, Cell>;
}

/**
 * Runs a scenario R times with the server's metrics scraped around every measured stretch, after dropping
 * the prefix cache where the engine allows it (so one scenario never warms the next).
 */
export async function runScenario(ctx: SuiteContext, spec: ScenarioSpec): Promise<ScenarioOutcome> {
  const cacheReset = spec.resetCache ? await resetPrefixCache(ctx.target) : undefined;
  const meter = new ServerMeter(ctx.target);
  const repetitions: Repetition[] = [];
  for (let rep = 0; rep < spec.repetitions; rep++) {
    if (ctx.signal.aborted) break;
    ctx.onPhase(`${spec.name} rep ${rep + 1}/${spec.repetitions}`);
    repetitions.push(await spec.run(rep, (fn) => meter.measure(fn)));
  }
  return {
    scenario: spec.name,
    concurrency: spec.concurrency,
    repetitions,
    slo: spec.slo,
    extra: { ...meter.columns(), cache_reset: cacheReset, ...(spec.extra?.(repetitions) ?? {}) },
  };
}
