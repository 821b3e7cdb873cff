import type { RequestRecord } from "../client/types.ts";
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
    if (!r.ok || r.firstTokenNs === undefined) continue;
    const ttft = (r.firstTokenNs - r.startNs) / 1e6;
    const e2el = (r.endNs - r.startNs) / 1e6;
    const tpot = r.outputTokens && r.outputTokens > 1 ? (r.endNs - r.firstTokenNs) / 1e6 / (r.outputTokens - 1) : 0;
    if (slo.ttft_ms !== undefined && ttft > slo.ttft_ms) continue;
    if (slo.tpot_ms !== undefined && tpot > slo.tpot_ms) continue;
    if (slo.e2el_ms !== undefined && e2el > slo.e2el_ms) continue;
    good++;
  }
  return good / seconds;
}
