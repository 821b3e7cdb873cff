import type { RequestRecord } from "../client/types.ts";
import type { Metric } from "./metric.ts";

/**
 * Peak output tokens per second: the most tokens arriving in any 1-second bucket of the run, each chunk
 * carrying its request's output_tokens / chunks (chunks are not always one token). Undefined when a
 * successful request has no token count.
 */
export function peakOutputTokS(records: readonly RequestRecord[], bucketNs = 1_000_000_000): number | undefined {
  const buckets = new Map<number, number>();
  let origin = Infinity;
  for (const r of records) {
    if (!r.ok) continue;
    if (r.outputTokens === undefined) return undefined;
    if (r.chunkNs.length) origin = Math.min(origin, r.chunkNs[0]);
  }
  if (!Number.isFinite(origin)) return undefined;
  for (const r of records) {
    if (!r.ok || !r.chunkNs.length || !r.outputTokens) continue;
    const perChunk = r.outputTokens / r.chunkNs.length;
    for (const t of r.chunkNs) {
      const b = Math.floor((t - origin) / bucketNs);
      buckets.set(b, (buckets.get(b) ?? 0) + perChunk);
    }
  }
  let peak = 0;
  for (const v of buckets.values()) peak = Math.max(peak, v);
  return peak / (bucketNs / 1e9);
}

export const peakThroughputMetric: Metric = {
  columns: ["output_tok_s_peak"],
  measure: (rep) => ({ output_tok_s_peak: peakOutputTokS(rep.records) }),
};
