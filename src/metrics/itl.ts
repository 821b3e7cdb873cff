import type { RequestRecord } from "../client/types.ts";
import { latencyMetric } from "./metric.ts";
import { itlMsOf } from "./request-times.ts";

/** Inter-token latency in ms: gaps between successive content chunks (per chunk), pooled across requests. */
export function itlMs(records: readonly RequestRecord[]): number[] {
  return records.flatMap(itlMsOf);
}

export const itlMetric = latencyMetric("itl_ms", (rep) => itlMs(rep.records));
