import type { TopLevelSpec } from "vega-lite";
import { SCHEMA } from "./types.ts";

export interface BarGroups {
  /** The field whose values stand side by side within each configuration. */
  field: string;
  order: string[];
  /** Colors of the groups, in `order`; Vega-Lite's scheme when absent. */
  colors?: string[];
}

/** Bars per configuration with one bar per group side by side (the mean of `y.field` over repetitions). */
export function groupedBarsSpec(title: string, values: object[], groups: BarGroups, y: { field: string; title: string } & Record<string, unknown>): TopLevelSpec {
  return {
    $schema: SCHEMA, title, width: 520, height: 320, data: { values },
    mark: { type: "bar", tooltip: true },
    encoding: {
      x: { field: "configuration", type: "nominal", axis: { labelAngle: -30, labelLimit: 220 } },
      xOffset: { field: groups.field, type: "nominal", sort: groups.order },
      y: { type: "quantitative", aggregate: "mean", ...y },
      color: { field: groups.field, type: "nominal", sort: groups.order, ...(groups.colors ? { scale: { range: groups.colors } } : {}) },
    },
  } as TopLevelSpec;
}
