import { DEPTH_BUCKETS } from "../../replay/outcomes.ts";
import { metricOf } from "../load-run.ts";
import { replayConfig } from "./replay-config.ts";
import { SCHEMA, skipped, type Chart, type ChartInput } from "./types.ts";

const ID = "ttft-by-depth";
const TITLE = "Replay: TTFT by context depth per configuration";
const BUCKETS: string[] = DEPTH_BUCKETS.map((b) => b.name);

/** Median TTFT of the replay's context-depth buckets (0-8k ... 64k+), one line per configuration. */
export function ttftByDepthChart({ run }: ChartInput): Chart {
  const label = replayConfig(run);
  const values = run.rows
    .filter((r) => r.status === "ok" && r.suite === "replay" && BUCKETS.includes(r.scenario) && metricOf(r, "ttft_ms_p50") !== undefined)
    .map((r) => ({ configuration: label(r), depth: r.scenario, ttft_ms_p50: metricOf(r, "ttft_ms_p50"), ttft_ms_p99: metricOf(r, "ttft_ms_p99"), requests: metricOf(r, "requests_sent") ?? metricOf(r, "requests") }));
  if (!values.length) return skipped(ID, TITLE, "no replay suite rows (the replay suite writes TTFT per context-depth bucket)");
  return {
    id: ID, title: TITLE,
    spec: {
      $schema: SCHEMA, title: TITLE, width: 520, height: 320, data: { values },
      mark: { type: "line", point: true, tooltip: true },
      encoding: {
        x: { field: "depth", type: "ordinal", sort: BUCKETS, title: "context depth (prompt tokens)" },
        y: { field: "ttft_ms_p50", type: "quantitative", aggregate: "mean", title: "TTFT p50 (ms)" },
        color: { field: "configuration", type: "nominal" },
      },
    },
  };
}
