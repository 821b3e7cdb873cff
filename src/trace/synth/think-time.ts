import { logNormal } from "./distributions.ts";

/**
 * Think time of a synthesized Claude Code session: the gap between the end of one response and the next
 * request of the same session, which is the time the client spends running the tools the model asked for
 * (reads and greps take tens of milliseconds, a test run or a build takes seconds to minutes) plus, now and then,
 * a person reading and typing.
 *
 * Model: log-normal, median 2 s, sigma 1.2 (so p10 ~0.4 s, p90 ~9.3 s, p99 ~32 s), clipped to [0.1 s, 120 s].
 * A sub-agent's first request follows its parent's response after 0.1-0.5 s (uniform): the client only
 * dispatches the Agent call. Every parameter is a `bench trace synth` flag.
 */
export interface ThinkModel {
  medianMs: number;
  sigma: number;
  minMs: number;
  maxMs: number;
}

export const DEFAULT_THINK: ThinkModel = { medianMs: 2000, sigma: 1.2, minMs: 100, maxMs: 120_000 };

export function drawThinkMs(u: () => number, model: ThinkModel): number {
  return Math.round(logNormal(u, model.medianMs, model.sigma, model.minMs, model.maxMs));
}

export function drawSpawnMs(u: () => number): number {
  return Math.round(100 + 400 * u());
}
