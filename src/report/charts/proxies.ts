import { metricOf, type LoadedRun, type RunRow } from "../load-run.ts";
import { escapeHtml, htmlTable, type PageSection } from "../html.ts";
import { round } from "../select.ts";
import { SCHEMA, skipped, type Chart, type ChartInput } from "./types.ts";

const ID = "proxies";
const TITLE = "Proxies side by side: TTFT direct and through each proxy";
const streams = (n: number | undefined) => `${n ?? "?"} stream${n === 1 ? "" : "s"}`;

function proxyRows(run: LoadedRun): RunRow[] {
  return run.rows.filter((r) => r.status === "ok" && r.suite === "proxy" && metricOf(r, "ttft_ms_p50") !== undefined);
}

/**
 * The proxy suite's paths side by side (direct, the lab's proxy, LiteLLM, claude-code-router...): TTFT p50 and
 * p99 per path, one panel per concurrency level; the tooltip carries what each proxy adds over direct.
 */
export function proxiesChart({ run }: ChartInput): Chart {
  const rows = proxyRows(run);
  if (!rows.length) return skipped(ID, TITLE, "no proxy suite rows (the proxy suite writes them)");
  const order = [...new Set(rows.map((r) => r.scenario))]; // direct first, then the proxies as the suite measured them
  const values = rows.flatMap((r) => (["p50", "p99"] as const).map((stat) => ({
    path: r.scenario, concurrency: streams(r.concurrency), streams: r.concurrency, statistic: `TTFT ${stat}`,
    ttft_ms: metricOf(r, `ttft_ms_${stat}`),
    added_ms: r.scenario === "direct" ? 0 : metricOf(r, stat === "p50" ? "proxy_added_ttft_ms" : "proxy_added_ttft_ms_p99"),
  })));
  return {
    id: ID, title: TITLE,
    spec: {
      $schema: SCHEMA, title: TITLE, data: { values },
      facet: { column: { field: "concurrency", type: "nominal", title: null, sort: { field: "streams", op: "min" } } },
      resolve: { scale: { y: "independent" } },
      spec: {
        width: 300, height: 280,
        mark: { type: "bar", tooltip: true },
        encoding: {
          x: { field: "path", type: "nominal", sort: order, title: null, axis: { labelAngle: 0 } },
          xOffset: { field: "statistic", type: "nominal" },
          y: { field: "ttft_ms", type: "quantitative", aggregate: "mean", title: "TTFT (ms)" },
          color: { field: "statistic", type: "nominal" },
          tooltip: [
            { field: "path", type: "nominal" }, { field: "concurrency", type: "nominal" }, { field: "statistic", type: "nominal" },
            { field: "ttft_ms", type: "quantitative", aggregate: "mean", format: ".1f", title: "TTFT (ms)" },
            { field: "added_ms", type: "quantitative", aggregate: "mean", format: ".1f", title: "added over direct (ms)" },
          ],
        },
      },
    },
  };
}

/** The numbers behind the chart: what each proxy adds to TTFT (p50, p99) and per chunk, per concurrency level. */
export function proxiesSection(run: LoadedRun): PageSection | undefined {
  const rows = proxyRows(run);
  if (!rows.length) return undefined;
  const ms = (v: unknown) => (typeof v === "number" ? round(v) : "");
  const table = rows.map((r) => [
    escapeHtml(streams(r.concurrency)), escapeHtml(r.scenario), ms(metricOf(r, "ttft_ms_p50")), ms(metricOf(r, "ttft_ms_p99")),
    r.scenario === "direct" ? "-" : ms(metricOf(r, "proxy_added_ttft_ms")), r.scenario === "direct" ? "-" : ms(metricOf(r, "proxy_added_ttft_ms_p99")),
    r.scenario === "direct" ? "-" : ms(metricOf(r, "proxy_added_itl_ms")), String(r.values.requests_sent ?? ""), String(r.values.errors ?? ""),
  ]);
  const header = ["concurrency", "path", "TTFT p50 (ms)", "TTFT p99 (ms)", "added TTFT p50 (ms)", "added TTFT p99 (ms)", "added per-chunk delay (ms)", "requests", "errors"];
  return { title: "What each proxy adds", html: `<p>Measured side by side in the same rounds (paths taking turns); added = through the proxy minus direct.</p>\n${htmlTable(header, table)}` };
}
