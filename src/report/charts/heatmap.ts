import { badInput } from "../../errors.ts";
import { metricOf, type Value } from "../load-run.ts";
import { scenarioKey, variedParams } from "../scenario.ts";
import { SCHEMA, skipped, sortedLabels, type Chart, type ChartInput } from "./types.ts";

const ID = "heatmap";

/** Objective metric over two parameters (`--heatmap X,Y`; default: the first two server params with several values). */
export function heatmapChart({ run, selection, heatmap }: ChartInput): Chart {
  for (const p of heatmap ?? []) {
    if (!run.paramNames.includes(p)) throw badInput(`--heatmap: '${p}' is not a parameter of this run`, `parameters: ${run.paramNames.join(", ") || "(none)"}`);
  }
  const [x, y] = heatmap ?? variedParams(run);
  const title = x && y ? `${selection?.objective.metric ?? "output_tok_s"} by ${x} and ${y}` : "Heatmap over two parameters";
  if (!x || !y) return skipped(ID, title, "fewer than two server parameters took more than one value");
  if (!selection) return skipped(ID, title, "no scenario was measured");
  const metric = selection.objective.metric;
  const anchor = run.rows.find((r) => r.status === "ok" && scenarioKey(r, run.clientParams) === selection.scenario);
  const sameScenario = run.rows.filter((r) => r.status === "ok" && anchor && r.suite === anchor.suite && r.scenario === anchor.scenario
    && ([x, y].includes("concurrency") || r.concurrency === anchor.concurrency));
  const param = (r: (typeof sameScenario)[number], name: string): Value | undefined => (name === "concurrency" ? r.concurrency : r.params[name]);
  const values = sameScenario
    .filter((r) => param(r, x) !== undefined && param(r, y) !== undefined && metricOf(r, metric) !== undefined)
    .map((r) => ({ x: String(param(r, x)), y: String(param(r, y)), value: metricOf(r, metric) }));
  if (!values.length) return skipped(ID, title, `${metric} was not measured at ${selection.scenario}`);
  const enc = {
    x: { field: "x", type: "ordinal" as const, title: x, sort: sortedLabels(values.map((v) => v.x)) },
    y: { field: "y", type: "ordinal" as const, title: y, sort: sortedLabels(values.map((v) => v.y)) },
  };
  return {
    id: ID, title,
    spec: {
      $schema: SCHEMA, title: `${title} (${selection.scenario})`, width: 360, height: 260, data: { values },
      layer: [
        { mark: { type: "rect", tooltip: true }, encoding: { ...enc, color: { field: "value", type: "quantitative", aggregate: "mean", title: metric } } },
        { mark: { type: "text", fontSize: 12 }, encoding: { ...enc, text: { field: "value", type: "quantitative", aggregate: "mean", format: ".1f" } } },
      ],
    },
  };
}
