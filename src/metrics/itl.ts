import type { RequestRecord } from "../client/types.ts";

/** Inter-token latency in ms: gaps between successive content chunks (per chunk), pooled across requests. */
export function itlMs(records: readonly RequestRecord[]): number[] {
  const out: number[] = [];
  for (const r of records) {
    if (!r.ok) continue;
    for (let i = 1; i < r.chunkNs.length; i++) out.push((r.chunkNs[i] - r.chunkNs[i - 1]) / 1e6);
  }
  return out;
}
