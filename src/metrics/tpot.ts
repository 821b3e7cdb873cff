import type { RequestRecord } from "../client/types.ts";
import { latencyMetric } from "./metric.ts";
import { each, tpotMsOf } from "./request-times.ts";

/** Time per output token after the first, per request, in ms: (E2EL - TTFT) / (output_tokens - 1), when > 1 token. */
export function tpotMs(records: readonly RequestRecord[]): number[] {
  return each(records, tpotMsOf);
}

export const tpotMetric = latencyMetric("tpot_ms", (rep) => tpotMs(rep.records), { spread: ["tpot_ms_mean"] });
