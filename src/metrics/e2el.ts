import type { RequestRecord } from "../client/types.ts";

/** End-to-end latency per successful request, in ms: last chunk minus request start. */
export function e2elMs(records: readonly RequestRecord[]): number[] {
  const out: number[] = [];
  for (const r of records) if (r.ok) out.push((r.endNs - r.startNs) / 1e6);
  return out;
}
