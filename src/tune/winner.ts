import type { TrialResult } from "./trial.ts";

/**
 * Noise-aware choice among the measured configurations, best first: those whose 95% intervals overlap the best's
 * tie, and the tie goes to the fastest startup, then to the most memory headroom.
 */
export function pickWinner(ranked: TrialResult[], metric: string): { winner?: { config: string; objective: number; why: string }; ties: TrialResult[] } {
  const top = ranked[0];
  if (!top) return { ties: [] };
  const ties = ranked.filter((t) => overlaps(t, top));
  ties.sort((a, b) => (a.startupS ?? Infinity) - (b.startupS ?? Infinity) || (b.headroom ?? -Infinity) - (a.headroom ?? -Infinity));
  const w = ties[0];
  const why = ties.length > 1
    ? `${ties.length} configurations tie within their 95% intervals on ${metric}; fastest startup (${fmt(w.startupS)} s)${w.headroom !== undefined ? ", then memory headroom," : ""} breaks the tie`
    : `best ${metric} (${fmt(w.objective)}${w.ciLow !== w.ciHigh ? `, 95% interval ${fmt(w.ciLow)}..${fmt(w.ciHigh)}` : ""})`;
  return { winner: { config: w.config, objective: w.objective as number, why }, ties };
}

function overlaps(a: TrialResult, b: TrialResult): boolean {
  const lo = (t: TrialResult) => t.ciLow ?? t.objective ?? 0;
  const hi = (t: TrialResult) => t.ciHigh ?? t.objective ?? 0;
  return lo(a) <= hi(b) && lo(b) <= hi(a);
}

export function fmt(v: number | undefined): string {
  if (v === undefined || !Number.isFinite(v)) return "-";
  if (Number.isInteger(v)) return String(v);
  return Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 10 ? v.toFixed(1) : v.toFixed(2);
}
