import type { RequestRecord } from "../client/types.ts";
import { latencyMetric } from "./metric.ts";

/** How late each scheduled request was sent, in ms: actual send time minus the time the schedule gave it. */
export function sendLagMs(records: readonly RequestRecord[]): number[] {
  const out: number[] = [];
  for (const r of records) if (r.scheduledNs !== undefined) out.push((r.startNs - r.scheduledNs) / 1e6);
  return out;
}

/** send_lag_ms_mean/p50/p90/p99: how closely a replay kept its schedule (empty for suites that schedule nothing). */
export const sendLagMetric = latencyMetric("send_lag_ms", (rep) => sendLagMs(rep.records));
