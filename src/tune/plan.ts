import type { SuiteEntry } from "../grid/schema.ts";
import { resolveOptions } from "../suites/definitions.ts";
import { suiteFor } from "../suites/registry.ts";
import type { TuneObjective } from "./objective.ts";
import type { TrialResult } from "./trial.ts";
import type { TunerPlan } from "./tuner.ts";

/** A capacity objective races: screens probe one N, finalists search from the capacity they found. */
function racing(o: TuneObjective): boolean {
  return o.suite === "capacity" && o.metric === "capacity_sessions";
}

/** What the tuner runs at each fidelity, from the grid's suites and the objective. */
export function tunerPlan(suites: SuiteEntry[], o: TuneObjective, repetitions: number): TunerPlan {
  const own = suites.find((s) => s.kind === o.suite) ?? { kind: o.suite, options: {} };
  return {
    screenSuites: (best) => screenSuites(suites, o, best),
    fullSuites: suites,
    repeatSuites: (t) => [racing(o) ? { ...own, options: { ...own.options, start_sessions: Math.max(1, t.objective ?? 1) } } : own],
    repetitions,
    race: racing(o),
    // the capacity search stops at max_sessions: a configuration that reaches it cannot be beaten, only tied
    ceiling: racing(o) ? (resolveOptions(suiteFor("capacity"), own.options ?? {}, `grid suite '${o.suite}'`) as { max_sessions: number }).max_sessions : undefined,
  };
}

const SHORT_DECODE: SuiteEntry = { kind: "decode", options: { prompt_tokens: 64, output_tokens: 64, requests: 1, warmup: 1, repetitions: 1, reset_cache: false } };

/**
 * The cheap pass: a short decode, plus one concurrency level. For a capacity race that level is one capacity
 * probe at the best capacity so far plus one (the objective's own sessions and SLO), stopped as soon as it has
 * certainly failed; otherwise one concurrency
 * level at the objective's request size (its suite's prompt_tokens) and load (the objective's cN, else what the
 * best configuration so far keeps in flight, as a power of two).
 */
export function screenSuites(suites: SuiteEntry[], o: TuneObjective, best?: TrialResult): SuiteEntry[] {
  const own = suites.find((s) => s.kind === o.suite)?.options ?? {};
  if (racing(o)) {
    const sessions = Math.max(0, Math.floor(best?.objective ?? 0)) + 1;
    return [SHORT_DECODE, { kind: "capacity", options: { ...own, start_sessions: sessions, probes: 1, repetitions: 1, decide_early: true } }];
  }
  const prompt = typeof own.prompt_tokens === "number" ? own.prompt_tokens : 512;
  const pinned = /(?:^|@|\/)c(\d+)$/.exec(o.scenario ?? "")?.[1];
  const level = pinned ? Number(pinned) : 2 ** Math.max(1, Math.round(Math.log2(best?.activeRequests ?? 2)));
  return [SHORT_DECODE, { kind: "concurrency", options: { levels: [level], requests_per_user: 1, prompt_tokens: prompt, output_tokens: 64, repetitions: 1, reset_cache: false } }];
}
