import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { TopLevelSpec } from "vega-lite";
import { toCsv } from "../../results/csv.ts";
import type { Cell } from "../../results/columns.ts";
import { SCHEMA, type Chart } from "../charts/types.ts";
import { escapeHtml, htmlTable, reportPage } from "../html.ts";
import { loadRun, type LoadedRun } from "../load-run.ts";
import { renderSvg } from "../render.ts";
import { round } from "../select.ts";
import { copyLibs } from "../write-report.ts";
import { redactText } from "../../util/secrets.ts";
import { COMPARE_METRICS, compareRuns, type Comparison, type CompareRow } from "./join.ts";

export function label(run: LoadedRun): string {
  return `${run.gridName}/${run.name} (${run.engine}${run.simulated ? ", simulated" : ""})`;
}

export function scenarioLabel(r: CompareRow): string {
  const shared = Object.entries(r.shared).map(([k, v]) => ` ${k}=${v}`).join("");
  return `${r.suite}/${r.scenario}@c${r.concurrency ?? "?"}${shared}`;
}

export function compareColumns(c: Comparison): string[] {
  return ["suite", "scenario", "concurrency", ...c.sharedParams, "a_point", "a_config", "a_candidates", "b_point", "b_config", "b_candidates",
    ...COMPARE_METRICS.flatMap((m) => [`a_${m}`, `b_${m}`, `ratio_${m}`])];
}

export function compareCsvRows(c: Comparison): Array<Record<string, Cell>> {
  return c.rows.map((r) => {
    const row: Record<string, Cell> = { suite: r.suite, scenario: r.scenario, concurrency: r.concurrency, ...r.shared,
      a_point: r.a.pointId, a_config: r.a.config, a_candidates: r.a.candidates, b_point: r.b.pointId, b_config: r.b.config, b_candidates: r.b.candidates };
    for (const m of COMPARE_METRICS) Object.assign(row, { [`a_${m}`]: r.a.metrics[m], [`b_${m}`]: r.b.metrics[m], [`ratio_${m}`]: r.ratios[m] });
    return row;
  });
}

function chart(c: Comparison): Chart {
  const title = "Output tok/s per shared scenario (best configuration of each run)";
  const values = c.rows.flatMap((r) => [
    { scenario: scenarioLabel(r), run: `A ${c.a.engine}`, output_tok_s: r.a.metrics.output_tok_s, config: r.a.config },
    { scenario: scenarioLabel(r), run: `B ${c.b.engine}`, output_tok_s: r.b.metrics.output_tok_s, config: r.b.config },
  ]).filter((v) => v.output_tok_s !== undefined);
  if (!values.length) return { id: "compare-output-tok-s", title, skipped: "the runs share no measured scenario" };
  const spec: TopLevelSpec = {
    $schema: SCHEMA, title, width: 560, height: 320, data: { values }, mark: { type: "bar", tooltip: true },
    encoding: {
      x: { field: "scenario", type: "nominal", axis: { labelAngle: -30, labelLimit: 240 } }, xOffset: { field: "run", type: "nominal" },
      y: { field: "output_tok_s", type: "quantitative", title: "output tok/s" }, color: { field: "run", type: "nominal" },
    },
  };
  return { id: "compare-output-tok-s", title, spec };
}

/** `bench compare`: compare.csv, a chart (spec + SVG) and index.html listing what the runs do not share. */
export async function writeComparison(dirA: string, dirB: string, outDir?: string): Promise<{ outDir: string; files: string[]; comparison: Comparison }> {
  const c = compareRuns(loadRun(dirA), loadRun(dirB));
  const out = resolve(outDir ?? join("reports", "compare", `${c.a.gridName}-${c.a.name}__vs__${c.b.gridName}-${c.b.name}`));
  mkdirSync(out, { recursive: true });
  const files: string[] = [];
  const write = (name: string, text: string) => {
    writeFileSync(join(out, name), redactText(text));
    files.push(join(out, name));
  };
  write("compare.csv", toCsv(compareColumns(c), compareCsvRows(c)));
  const ch = chart(c);
  if (ch.spec) {
    write(`${ch.id}.vl.json`, JSON.stringify(ch.spec, null, 2) + "\n");
    write(`${ch.id}.svg`, await renderSvg(ch.spec, ch.id));
  }
  files.push(...copyLibs(out));
  const fmt = (v: number | undefined) => (v === undefined ? "-" : round(v));
  const table = htmlTable(["scenario", "A config", "B config", ...COMPARE_METRICS.map((m) => `${m} A / B (B÷A)`)], c.rows.map((r) => [
    escapeHtml(scenarioLabel(r)), escapeHtml(r.a.config), escapeHtml(r.b.config),
    ...COMPARE_METRICS.map((m) => `${fmt(r.a.metrics[m])} / ${fmt(r.b.metrics[m])} (${r.ratios[m] === undefined ? "-" : r.ratios[m]!.toFixed(2) + "x"})`),
  ]));
  const runs = `<ul><li><b>A</b>: ${escapeHtml(label(c.a))} — ${escapeHtml(c.a.dir)}</li><li><b>B</b>: ${escapeHtml(label(c.b))} — ${escapeHtml(c.b.dir)}</li></ul>`;
  const notShared = c.notShared.length ? `<ul>${c.notShared.map((l) => `<li>${escapeHtml(l)}</li>`).join("")}</ul>` : "<p>Nothing: the runs measured the same scenarios on the same setup.</p>";
  write("index.html", reportPage(`compare: ${c.a.gridName} vs ${c.b.gridName}`, [{ title: "Runs", html: runs }], [ch],
    [{ title: "Shared scenarios, side by side", html: c.rows.length ? table : "<p class=\"note\">No shared scenario.</p>" }, { title: "Not shared", html: notShared }]));
  return { outDir: out, files, comparison: c };
}
