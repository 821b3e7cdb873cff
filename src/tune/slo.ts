import { badInput } from "../errors.ts";
import type { Grid } from "../grid/schema.ts";

/**
 * `--slo` for a tune sets the capacity suite's SLO: `ttft_ms<=N` (p95 TTFT per turn), `tpot_ms<=N` (p95 TPOT),
 * `percentile=P`. The grid's capacity options are overridden for this tune only.
 */
export function applyTuneSlos(grid: Grid, slos: string[], file: string): Grid {
  if (!slos.length) return grid;
  const slo: Record<string, number> = {};
  for (const text of slos) {
    const m = /^\s*(ttft_ms|tpot_ms|percentile)\s*(<=|=)\s*(\d+(?:\.\d+)?)\s*$/.exec(text);
    if (!m) throw badInput(`--slo '${text}': expected ttft_ms<=N, tpot_ms<=N or percentile=P`, "the capacity suite's SLO, e.g. --slo 'ttft_ms<=3000' --slo 'tpot_ms<=80'");
    slo[m[1]] = Number(m[3]);
  }
  if (!grid.suites.some((s) => s.kind === "capacity")) throw badInput(`--slo: ${file} runs no capacity suite`, "add `- kind: capacity` to its suites");
  return {
    ...grid,
    suites: grid.suites.map((s) => (s.kind === "capacity" ? { ...s, options: { ...s.options, slo: { ...(s.options.slo as object | undefined), ...slo } } } : s)),
  };
}
