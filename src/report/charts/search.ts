import { existsSync } from "node:fs";
import { join } from "node:path";
import { readCsv } from "../../results/csv.ts";
import { escapeHtml, htmlTable, type PageSection } from "../html.ts";
import { SCHEMA, skipped, type Chart, type ChartInput } from "./types.ts";

const TITLE = "Search: objective against engine-seconds spent";

/** tune.csv of a `bench tune` run, or undefined for a grid run. */
export function tuneRows(dir: string): Array<Record<string, string>> | undefined {
  const file = join(dir, "tune.csv");
  return existsSync(file) ? readCsv(file) : undefined;
}

const MARK: Record<string, string> = { winner: "kept", finalist: "kept", kept: "kept", cut: "cut", predicted: "predicted failure", failed: "predicted failure", skipped: "cut" };

/** bench tune's search: each trial's objective (screen score for screens) at the engine-seconds spent, kept / cut / predicted failure. */
export function searchChart({ run }: ChartInput): Chart {
  const rows = tuneRows(run.dir);
  if (!rows) return skipped("search", TITLE, "not a bench tune run (no tune.csv)");
  const values = rows.map((r) => ({
    spent_s: Number(r.spent_s), objective: r.objective !== "" ? Number(r.objective) : r.screen_score !== "" ? Number(r.screen_score) : 0,
    measured: r.objective !== "" ? "objective" : r.screen_score !== "" ? "screen score" : "none", outcome: MARK[r.decision] ?? r.decision,
    decision: r.decision, fidelity: r.fidelity, server_id: r.server_id, reason: r.reason,
  }));
  return {
    id: "search", title: TITLE,
    spec: {
      $schema: SCHEMA, title: TITLE, width: 520, height: 300, data: { values },
      mark: { type: "point", filled: true, size: 80, tooltip: true },
      encoding: {
        x: { field: "spent_s", type: "quantitative", title: "engine-seconds spent" },
        y: { field: "objective", type: "quantitative", title: "objective (full trials) or screen score (screens)" },
        color: { field: "outcome", type: "nominal", scale: { domain: ["kept", "cut", "predicted failure"], range: ["#2a9d8f", "#e76f51", "#8d99ae"] } },
        shape: { field: "measured", type: "nominal" },
      },
    },
  };
}

/** The pruned configurations and why: cut, predicted to fail, failed, skipped for the budget. */
export function prunedSection(dir: string): PageSection | undefined {
  const rows = tuneRows(dir);
  if (!rows) return undefined;
  const pruned = rows.filter((r) => ["cut", "predicted", "failed", "skipped"].includes(r.decision));
  if (!pruned.length) return { title: "Pruned configurations", html: "<p>Nothing was pruned.</p>" };
  return {
    title: "Pruned configurations",
    html: htmlTable(["server", "point", "stage", "decision", "why"], pruned.map((r) => [escapeHtml(r.server_id), escapeHtml(r.point_id), escapeHtml(r.fidelity), `<b>${escapeHtml(r.decision)}</b>`, escapeHtml(r.reason)])),
  };
}
