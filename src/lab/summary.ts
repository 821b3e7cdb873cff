import type { PointRow } from "../results/columns.ts";

const COLUMNS = ["ttft_ms_p50", "ttft_ms_p99", "tpot_ms_mean", "output_tok_s", "requests_sent", "errors"];

function fmt(v: unknown): string {
  if (v === undefined || v === "") return "-";
  const n = Number(v);
  if (Number.isNaN(n)) return String(v);
  return Number.isInteger(n) ? String(n) : n >= 100 ? n.toFixed(0) : n.toFixed(2);
}

/** The end-of-run table: one line per point x suite x scenario, parameters then headline metrics. */
export function summaryTable(rows: PointRow[], paramNames: string[]): string {
  const header = ["point", "status", ...paramNames, "suite", "scenario", ...COLUMNS];
  const body = rows.map((r) => [
    String(r.point_id), r.status === "failed" ? `failed:${r.failure}` : "ok",
    ...paramNames.map((p) => fmt(r[p])), fmt(r.suite), fmt(r.scenario), ...COLUMNS.map((c) => fmt(r[c])),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join("  ").trimEnd();
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...body.map(line)].join("\n");
}
