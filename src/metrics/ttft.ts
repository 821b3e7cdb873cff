import type { RequestRecord } from "../client/types.ts";
import { latencyMetric } from "./metric.ts";
import { each, ttftMsOf } from "./request-times.ts";

/** Time to first token per successful request, in ms: first content chunk minus request start. */
export function ttftMs(records: readonly RequestRecord[]): number[] {
  return each(records, ttftMsOf);
}

export const ttftMetric = latencyMetric("ttft_ms", (rep) => ttftMs(rep.records), { interval: ["ttft_ms_p50"], spread: ["ttft_ms_p50"] });
