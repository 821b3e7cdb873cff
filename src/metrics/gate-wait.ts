import type { Metric } from "./metric.ts";
import { mean } from "./percentile.ts";

/** Time requests waited behind the client's own concurrency gate (kept apart from TTFT, as vllm bench serve does). */
export const gateWaitMetric: Metric = {
  columns: ["gate_wait_ms_mean"],
  measure: (rep) => ({ gate_wait_ms_mean: mean(rep.records.map((r) => r.gateWaitNs / 1e6)) }),
};
