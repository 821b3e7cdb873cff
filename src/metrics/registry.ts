import { e2elMetric } from "./e2el.ts";
import { gateWaitMetric } from "./gate-wait.ts";
import { goodputMetric } from "./goodput.ts";
import { hitRatioMetric } from "./hit-ratio.ts";
import { itlMetric } from "./itl.ts";
import type { Metric } from "./metric.ts";
import { peakThroughputMetric } from "./peak-throughput.ts";
import { perUserMetric } from "./per-user.ts";
import { requestsSentMetric } from "./requests-sent.ts";
import { sendLagMetric } from "./send-lag.ts";
import { serverPromptMetric } from "./server-prompt.ts";
import { throughputMetric } from "./throughput.ts";
import { tokenCountsMetric } from "./token-counts.ts";
import { tokensSourceMetric } from "./tokens-source.ts";
import { tpotMetric } from "./tpot.ts";
import { ttftMetric } from "./ttft.ts";

/**
 * Every per-request metric of points.csv, in column order. A new metric is one file exporting a `Metric`
 * plus one line here: summarize.ts computes it and columns.ts lists its columns.
 */
export const METRICS: readonly Metric[] = [
  requestsSentMetric,
  ttftMetric,
  tpotMetric,
  itlMetric,
  e2elMetric,
  throughputMetric,
  peakThroughputMetric,
  goodputMetric,
  perUserMetric,
  gateWaitMetric,
  tokenCountsMetric,
  tokensSourceMetric,
  serverPromptMetric,
  hitRatioMetric,
  sendLagMetric,
];

/** The columns the metrics write, then each interval's bounds, then `spread_flag`. */
export function metricColumns(): string[] {
  const intervals = METRICS.flatMap((m) => m.interval ?? []).flatMap((c) => [`${c}_ci_low`, `${c}_ci_high`]);
  return [...METRICS.flatMap((m) => m.columns), ...intervals, "spread_flag"];
}
