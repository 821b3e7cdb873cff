import type { RequestRecord } from "../client/types.ts";
import type { Metric } from "./metric.ts";
import { mean } from "./percentile.ts";

const meanOf = (records: readonly RequestRecord[], get: (r: RequestRecord) => number | undefined) =>
  mean(records.flatMap((r) => {
    const v = get(r);
    return v === undefined ? [] : [v];
  }));

/** Mean prompt, output and cached tokens of the successful requests. */
export const tokenCountsMetric: Metric = {
  columns: ["prompt_tokens_mean", "output_tokens_mean", "cached_tokens_mean"],
  measure: (rep) => ({
    prompt_tokens_mean: meanOf(rep.ok, (r) => r.promptTokens),
    output_tokens_mean: meanOf(rep.ok, (r) => r.outputTokens),
    cached_tokens_mean: meanOf(rep.ok, (r) => r.cachedTokens),
  }),
};
