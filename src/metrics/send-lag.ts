import type { RequestRecord } from "../client/types.ts";

/** How late each scheduled request was sent, in ms: actual send time minus the time the schedule gave it. */
export function sendLagMs(records: readonly RequestRecord[]): number[] {
  const out: number[] = [];
  for (const r of records) if (r.scheduledNs !== undefined) out.push((r.startNs - r.scheduledNs) / 1e6);
  return out;
}
