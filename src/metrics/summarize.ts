import type { RequestRecord } from "../client/types.ts";
import type { Cell } from "../results/columns.ts";
import type { Slo } from "./goodput.ts";
import type { Metric } from "./metric.ts";
import { METRICS } from "./registry.ts";
import { acrossRepetitions } from "./repetitions.ts";
import { spanOf, type Window } from "./throughput.ts";

export interface Repetition {
  records: RequestRecord[];
  /** Measured window; defaults to the span of the records. */
  window?: Window;
}

/** Above this relative spread across repetitions a scenario is flagged as noisy. */
export const SPREAD_LIMIT = 0.1;

/** Metrics of one repetition, keyed by points.csv column names (every registered metric). */
export function summarizeRepetition(rep: Repetition, slo: Slo = {}, metrics: readonly Metric[] = METRICS): Record<string, Cell> {
  const view = { records: rep.records, ok: rep.records.filter((r) => r.ok), window: rep.window ?? spanOf(rep.records), slo };
  const out: Record<string, Cell> = {};
  for (const metric of metrics) Object.assign(out, metric.measure(view));
  return out;
}

/**
 * Metrics of a scenario run R times: each column combined across repetitions as its metric says (the median
 * unless told otherwise); interval columns also get a 95% interval, and columns whose spread exceeds
 * SPREAD_LIMIT are named in `spread_flag`.
 */
export function summarizeScenario(reps: Repetition[], slo: Slo = {}, metrics: readonly Metric[] = METRICS): Record<string, Cell> {
  const perRep = reps.map((rep) => summarizeRepetition(rep, slo, metrics));
  const row: Record<string, Cell> = { repetitions: reps.length };
  const noisy: string[] = [];
  for (const metric of metrics) {
    for (const column of metric.columns) {
      const cells = perRep.map((m) => m[column]);
      if (typeof metric.combine === "function") {
        row[column] = metric.combine(cells);
        continue;
      }
      const values = cells.filter((v): v is number => typeof v === "number");
      const agg = acrossRepetitions(values);
      row[column] = metric.combine === "sum" ? values.reduce((a, b) => a + b, 0) : agg.median;
      if (metric.interval?.includes(column)) {
        row[`${column}_ci_low`] = agg.ciLow;
        row[`${column}_ci_high`] = agg.ciHigh;
      }
      if (reps.length > 1 && metric.spread?.includes(column) && (agg.spread ?? 0) > SPREAD_LIMIT) noisy.push(column);
    }
  }
  row.spread_flag = noisy.join(" ");
  return row;
}
