import type { Metric } from "./metric.ts";
import { mean } from "./percentile.ts";

/** Prompt processing time the engine itself reports (llama.cpp `timings.prompt_ms`). */
export const serverPromptMetric: Metric = {
  columns: ["server_prompt_ms_mean"],
  measure: (rep) => ({ server_prompt_ms_mean: mean(rep.ok.flatMap((r) => (r.serverPromptMs === undefined ? [] : [r.serverPromptMs]))) }),
};
