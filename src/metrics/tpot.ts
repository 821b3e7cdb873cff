import type { RequestRecord } from "../client/types.ts";

/** Time per output token after the first, per request, in ms: (E2EL - TTFT) / (output_tokens - 1), when > 1 token. */
export function tpotMs(records: readonly RequestRecord[]): number[] {
  const out: number[] = [];
  for (const r of records) {
    if (!r.ok || r.firstTokenNs === undefined || r.outputTokens === undefined || r.outputTokens <= 1) continue;
    out.push((r.endNs - r.firstTokenNs) / 1e6 / (r.outputTokens - 1));
  }
  return out;
}
