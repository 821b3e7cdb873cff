import type { RequestRecord } from "../client/types.ts";

/**
 * Output tokens per second each user sees while their reply streams, per request:
 * (output_tokens - 1) / (E2EL - TTFT), i.e. 1000 / TPOT; only requests with more than one output token.
 */
export function perUserOutputTokS(records: readonly RequestRecord[]): number[] {
  const out: number[] = [];
  for (const r of records) {
    if (!r.ok || r.firstTokenNs === undefined || !r.outputTokens || r.outputTokens <= 1 || r.endNs <= r.firstTokenNs) continue;
    out.push((r.outputTokens - 1) / ((r.endNs - r.firstTokenNs) / 1e9));
  }
  return out;
}
