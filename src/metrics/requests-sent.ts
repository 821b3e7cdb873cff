import type { Metric } from "./metric.ts";

/** Requests the scenario measured and how many failed, summed over its repetitions. */
export const requestsSentMetric: Metric = {
  columns: ["requests_sent", "errors"],
  measure: (rep) => ({ requests_sent: rep.records.length, errors: rep.records.length - rep.ok.length }),
  combine: "sum",
};
