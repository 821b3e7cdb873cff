import type { TopLevelSpec } from "vega-lite";
import type { LoadedRun, Value } from "../load-run.ts";
import type { Selection } from "../select.ts";

/** A chart of the report: a Vega-Lite spec, or the reason it was skipped (absent data is a note, not an error). */
export interface Chart {
  id: string;
  title: string;
  spec?: TopLevelSpec;
  skipped?: string;
}

export interface ChartInput {
  run: LoadedRun;
  /** The default promotion (objective, SLO-free), used to mark the winner; undefined when nothing was measured. */
  selection?: Selection;
  heatmap?: [string, string];
}

export const SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json";

export function skipped(id: string, title: string, reason: string): Chart {
  return { id, title, skipped: reason };
}

/** Ordinal axis values sorted numerically when they are numbers (so 512 comes before 2048). */
export function sortedLabels(values: Iterable<Value>): string[] {
  const distinct = [...new Set([...values].map(String))];
  const numeric = distinct.every((v) => v !== "" && !Number.isNaN(Number(v)));
  return numeric ? distinct.sort((a, b) => Number(a) - Number(b)) : distinct.sort();
}

export function slug(name: string): string {
  return name.replace(/[^A-Za-z0-9]+/g, "-").replace(/^-|-$/g, "").toLowerCase();
}
