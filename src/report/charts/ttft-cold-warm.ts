import { metricOf } from "../load-run.ts";
import { configLabel, serverValues } from "../scenario.ts";
import { groupedBarsSpec } from "./grouped-bars.ts";
import { skipped, type Chart, type ChartInput } from "./types.ts";

const ID = "ttft-cold-warm";
const TITLE = "Cold vs warm TTFT per configuration";

/** Median TTFT of `cold` and `warm` scenarios (prefix cache empty vs primed), side by side per configuration. */
export function ttftColdWarmChart({ run }: ChartInput): Chart {
  const values = run.rows
    .filter((r) => r.status === "ok" && (r.scenario === "cold" || r.scenario === "warm") && metricOf(r, "ttft_ms_p50") !== undefined)
    .map((r) => ({ configuration: configLabel(serverValues(r, run.serverParams)), scenario: r.scenario, ttft_ms_p50: metricOf(r, "ttft_ms_p50") }));
  if (!values.length) return skipped(ID, TITLE, "no cold/warm scenarios were measured (the ttft suite writes them)");
  return {
    id: ID, title: TITLE,
    spec: groupedBarsSpec(TITLE, values, { field: "scenario", order: ["cold", "warm"] }, { field: "ttft_ms_p50", title: "TTFT p50 (ms)" }),
  };
}
