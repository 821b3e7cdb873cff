import type { RequestRecord } from "../client/types.ts";
import type { Metric } from "./metric.ts";
import { mean } from "./percentile.ts";
import { each, tpotMsOf } from "./request-times.ts";

/**
 * Output tokens per second each user sees while their reply streams, per request: 1000 / TPOT, i.e.
 * (output_tokens - 1) / (E2EL - TTFT); only requests with more than one output token.
 */
export function perUserOutputTokS(records: readonly RequestRecord[]): number[] {
  return each(records, (r) => {
    const tpot = tpotMsOf(r);
    return tpot !== undefined && tpot > 0 ? 1000 / tpot : undefined;
  });
}

export const perUserMetric: Metric = {
  columns: ["per_user_output_tok_s"],
  measure: (rep) => ({ per_user_output_tok_s: mean(perUserOutputTokS(rep.records)) }),
};
