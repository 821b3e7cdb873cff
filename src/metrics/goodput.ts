import type { RequestRecord } from "../client/types.ts";
import type { Metric } from "./metric.ts";
import { e2elMsOf, tpotMsOf, ttftMsOf } from "./request-times.ts";
import type { Window } from "./throughput.ts";

export interface Slo {
  ttft_ms?: number;
  tpot_ms?: number;
  e2el_ms?: number;
}

/** Requests per second that met every SLO given (TTFT, TPOT, E2EL at most their limits). */
export function goodputReqS(records: readonly RequestRecord[], window: Window, slo: Slo): number | undefined {
  const seconds = (window.endNs - window.startNs) / 1e9;
  if (seconds <= 0) return undefined;
  let good = 0;
  for (const r of records) {
    const ttft = ttftMsOf(r);
    if (ttft === undefined) continue;
    if (slo.ttft_ms !== undefined && ttft > slo.ttft_ms) continue;
    if (slo.tpot_ms !== undefined && (tpotMsOf(r) ?? 0) > slo.tpot_ms) continue;
    if (slo.e2el_ms !== undefined && (e2elMsOf(r) as number) > slo.e2el_ms) continue;
    good++;
  }
  return good / seconds;
}

/** Goodput needs SLOs (suite option `slo`); without them the column stays empty. */
export const goodputMetric: Metric = {
  columns: ["goodput_req_s"],
  measure: (rep) => ({ goodput_req_s: Object.keys(rep.slo).length ? goodputReqS(rep.records, rep.window, rep.slo) : undefined }),
};
