import { metricOf } from "../load-run.ts";
import { configLabel, serverValues } from "../scenario.ts";
import { SCHEMA, skipped, type Chart, type ChartInput } from "./types.ts";

const ID = "throughput-vs-concurrency";
const TITLE = "Throughput vs concurrency per configuration";

/** Output tok/s against concurrency, one line per configuration, from suites that measured several levels. */
export function throughputChart({ run }: ChartInput): Chart {
  const measured = run.rows.filter((r) => r.status === "ok" && r.concurrency !== undefined && metricOf(r, "output_tok_s") !== undefined);
  const levels = new Map<string, Set<number>>();
  for (const r of measured) levels.set(r.suite, (levels.get(r.suite) ?? new Set()).add(r.concurrency as number));
  const suites = [...levels].filter(([, s]) => s.size > 1).map(([suite]) => suite);
  if (!suites.length) return skipped(ID, TITLE, "no suite measured more than one concurrency level");
  const values = measured.filter((r) => suites.includes(r.suite)).map((r) => ({
    configuration: configLabel(serverValues(r, run.serverParams)), suite: r.suite, concurrency: r.concurrency,
    output_tok_s: metricOf(r, "output_tok_s"),
  }));
  return {
    id: ID, title: TITLE,
    spec: {
      $schema: SCHEMA, title: TITLE, width: 520, height: 320, data: { values },
      mark: { type: "line", point: true, tooltip: true },
      encoding: {
        x: { field: "concurrency", type: "quantitative", title: "concurrent users", scale: { zero: false }, axis: { tickMinStep: 1 } },
        y: { field: "output_tok_s", type: "quantitative", aggregate: "mean", title: "output tok/s (aggregate)" },
        color: { field: "configuration", type: "nominal" },
        ...(suites.length > 1 ? { strokeDash: { field: "suite", type: "nominal" } } : {}),
      },
    },
  };
}
