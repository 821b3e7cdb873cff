import type { RequestRecord } from "../client/types.ts";
import { latencyMetric } from "./metric.ts";
import { e2elMsOf, each } from "./request-times.ts";

/** End-to-end latency per successful request, in ms: last chunk minus request start. */
export function e2elMs(records: readonly RequestRecord[]): number[] {
  return each(records, e2elMsOf);
}

export const e2elMetric = latencyMetric("e2el_ms", (rep) => e2elMs(rep.records), { spread: ["e2el_ms_mean"] });
