import { valueAt } from "../candidates.ts";
import { metricOf } from "../load-run.ts";
import { paretoFront } from "../pareto.ts";
import { SCHEMA, skipped, type Chart, type ChartInput } from "./types.ts";

const ID = "efficiency";
const TITLE = "Efficiency vs throughput: Pareto front";

/**
 * Tokens per joule (GPU energy) against output tok/s at the objective's scenario, with the front of
 * configurations no other beats on both; on CPU engines, tokens per CPU second instead.
 */
export function efficiencyChart({ run, selection }: ChartInput): Chart {
  const metric = run.rows.some((r) => metricOf(r, "tokens_per_joule") !== undefined) ? "tokens_per_joule" : "tokens_per_cpu_s";
  const label = metric === "tokens_per_joule" ? "tokens per joule" : "tokens per CPU second";
  if (!selection) return skipped(ID, TITLE, "no scenario was measured");
  const points = selection.evaluated
    .filter((e) => !e.candidate.failures.length)
    .map((e) => ({ e, efficiency: valueAt(run, e.candidate, metric, selection.scenario), throughput: e.throughput }))
    .filter((p): p is typeof p & { efficiency: number; throughput: number } => p.efficiency !== undefined && p.throughput !== undefined);
  if (!points.length) return skipped(ID, TITLE, `no telemetry: neither tokens_per_joule nor tokens_per_cpu_s at ${selection.scenario}`);
  // both axes are maximized: the front's "latency" is the negated efficiency
  const front = paretoFront(points.map((p) => ({ id: p.e.candidate.key, latency: -p.efficiency, throughput: p.throughput, p }))).map((f) => f.p);
  const order = new Map(front.map((p, i) => [p, i]));
  const values = points.map((p) => ({
    configuration: p.e.candidate.label, efficiency: p.efficiency, throughput: p.throughput,
    status: p.e === selection.winner ? "winner" : order.has(p) ? "Pareto front" : "dominated", front: order.get(p) ?? null,
  }));
  const x = { field: "throughput", type: "quantitative" as const, title: "output tok/s (higher is better)", scale: { zero: false } };
  const y = { field: "efficiency", type: "quantitative" as const, title: `${label} (higher is better)`, scale: { zero: false } };
  const title = `${label[0].toUpperCase()}${label.slice(1)} vs throughput: Pareto front`;
  return {
    id: ID, title,
    spec: {
      $schema: SCHEMA, title: `${title} (${selection.scenario})`, width: 520, height: 340, data: { values },
      layer: [
        { transform: [{ filter: "datum.front !== null" }], mark: { type: "line", strokeDash: [4, 3], color: "#888" }, encoding: { x, y, order: { field: "front", type: "quantitative" } } },
        {
          mark: { type: "point", filled: true, size: 90, tooltip: true },
          encoding: {
            x, y,
            color: { field: "status", type: "nominal", scale: { domain: ["winner", "Pareto front", "dominated"], range: ["#d62728", "#1f77b4", "#aaaaaa"] } },
            shape: { field: "status", type: "nominal", scale: { domain: ["winner", "Pareto front", "dominated"], range: ["diamond", "circle", "circle"] } },
          },
        },
      ],
    },
  };
}
