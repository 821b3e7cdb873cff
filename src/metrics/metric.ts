import type { RequestRecord } from "../client/types.ts";
import type { Cell } from "../results/columns.ts";
import type { Slo } from "./goodput.ts";
import { distribution } from "./percentile.ts";
import type { Window } from "./throughput.ts";

/** What a metric sees of one repetition of a scenario. */
export interface RepetitionView {
  records: readonly RequestRecord[];
  /** The successful ones. */
  ok: readonly RequestRecord[];
  /** Measured window (warmup excluded). */
  window: Window;
  slo: Slo;
}

/**
 * One metric of points.csv: the columns it writes and how it computes them from a repetition's records.
 * Registered in registry.ts; summarize.ts and the column list both come from there.
 */
export interface Metric {
  columns: readonly string[];
  measure(rep: RepetitionView): Record<string, Cell>;
  /** How a scenario's repetitions combine: the median (default), a sum (counts), or a function of the values. */
  combine?: "median" | "sum" | ((values: Cell[]) => Cell);
  /** Columns that also get a 95% interval across repetitions (`<column>_ci_low`, `<column>_ci_high`). */
  interval?: readonly string[];
  /** Columns named in `spread_flag` when their spread across repetitions exceeds the limit. */
  spread?: readonly string[];
}

/** mean, p50, p90 and p99 of a latency, as `<prefix>_mean` ... `<prefix>_p99`. */
export function latencyMetric(prefix: string, values: (rep: RepetitionView) => number[], extra: Pick<Metric, "interval" | "spread"> = {}): Metric {
  return {
    columns: ["mean", "p50", "p90", "p99"].map((s) => `${prefix}_${s}`),
    measure(rep) {
      const d = distribution(values(rep));
      return { [`${prefix}_mean`]: d.mean, [`${prefix}_p50`]: d.p50, [`${prefix}_p90`]: d.p90, [`${prefix}_p99`]: d.p99 };
    },
    ...extra,
  };
}
