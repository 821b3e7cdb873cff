import { SCHEMA, skipped, type Chart, type ChartInput } from "./types.ts";

const ID = "pareto";
const TITLE = "Latency vs throughput: Pareto front and winner";

/** Every configuration that ran, the Pareto front as a line, and the default winner labelled. */
export function paretoChart({ selection }: ChartInput): Chart {
  if (!selection) return skipped(ID, TITLE, "no scenario was measured");
  const plotted = selection.evaluated.filter((e) => !e.candidate.failures.length && e.latency !== undefined && e.throughput !== undefined);
  if (!plotted.length) return skipped(ID, TITLE, `no configuration has both ${selection.latencyMetric} and output_tok_s at ${selection.scenario}`);
  const frontOrder = new Map(selection.front.map((e, i) => [e, i]));
  const values = plotted.map((e) => ({
    configuration: e.candidate.label, latency: e.latency, throughput: e.throughput,
    status: e === selection.winner ? "winner" : e.onFront ? "Pareto front" : e.excluded ? "excluded" : "dominated",
    front: frontOrder.get(e) ?? null,
  }));
  const x = { field: "latency", type: "quantitative" as const, title: `${selection.latencyMetric} (lower is better)`, scale: { zero: false } };
  const y = { field: "throughput", type: "quantitative" as const, title: "output tok/s (higher is better)", scale: { zero: false } };
  return {
    id: ID, title: TITLE,
    spec: {
      $schema: SCHEMA, title: `${TITLE} (${selection.scenario})`, width: 520, height: 340, data: { values },
      layer: [
        { transform: [{ filter: "datum.front !== null" }], mark: { type: "line", strokeDash: [4, 3], color: "#888" }, encoding: { x, y, order: { field: "front", type: "quantitative" } } },
        {
          mark: { type: "point", filled: true, size: 90, tooltip: true },
          encoding: {
            x, y,
            color: { field: "status", type: "nominal", scale: { domain: ["winner", "Pareto front", "dominated", "excluded"], range: ["#d62728", "#1f77b4", "#aaaaaa", "#ff9896"] } },
            shape: { field: "status", type: "nominal", scale: { domain: ["winner", "Pareto front", "dominated", "excluded"], range: ["diamond", "circle", "circle", "cross"] } },
          },
        },
        { transform: [{ filter: "datum.status === 'winner'" }], mark: { type: "text", dy: -14, fontWeight: "bold" }, encoding: { x, y, text: { field: "configuration" } } },
      ],
    },
  };
}
