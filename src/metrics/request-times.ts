import type { RequestRecord } from "../client/types.ts";

/**
 * The per-request formulas of REFERENCE.md section 5, in one place: every metric, goodput, per-user rates and
 * the simulator's calibration probe use these. Undefined when the request cannot have the value.
 */

/** Time to first token in ms: first content chunk minus request start (successful requests only). */
export function ttftMsOf(r: RequestRecord): number | undefined {
  return r.ok && r.firstTokenNs !== undefined ? (r.firstTokenNs - r.startNs) / 1e6 : undefined;
}

/** End-to-end latency in ms: last chunk minus request start (successful requests only). */
export function e2elMsOf(r: RequestRecord): number | undefined {
  return r.ok ? (r.endNs - r.startNs) / 1e6 : undefined;
}

/** Time per output token after the first, in ms: (E2EL - TTFT) / (output_tokens - 1), only when more than one token. */
export function tpotMsOf(r: RequestRecord): number | undefined {
  if (!r.ok || r.firstTokenNs === undefined || r.outputTokens === undefined || r.outputTokens <= 1) return undefined;
  return (r.endNs - r.firstTokenNs) / 1e6 / (r.outputTokens - 1);
}

/** Gaps between successive content chunks of one request, in ms. */
export function itlMsOf(r: RequestRecord): number[] {
  const out: number[] = [];
  if (!r.ok) return out;
  for (let i = 1; i < r.chunkNs.length; i++) out.push((r.chunkNs[i] - r.chunkNs[i - 1]) / 1e6);
  return out;
}

/** Every defined value of a per-request formula. */
export function each(records: readonly RequestRecord[], formula: (r: RequestRecord) => number | undefined): number[] {
  const out: number[] = [];
  for (const r of records) {
    const v = formula(r);
    if (v !== undefined) out.push(v);
  }
  return out;
}
