import { describeObjective } from "./objective.ts";
import type { LoadedRun } from "./load-run.ts";
import type { Selection } from "./select.ts";
import { round } from "./select.ts";
import { escapeHtml, htmlTable, type PageSection } from "./html.ts";

/** What was measured where: grid, engine, host, lab schema; a banner when the numbers come from the simulator. */
export function runSection(run: LoadedRun): PageSection {
  const m = run.manifest;
  const gpus = m.host?.gpus.length ? m.host.gpus.join("; ") : "none";
  const items = [
    ["grid", `${run.gridName}${m.grid_file ? ` (${m.grid_file}, sha256 ${String(m.grid_sha256 ?? "").slice(0, 12)})` : ""}`],
    ["engine", run.engine], ["host", `${m.host?.hostname ?? "unknown"}, GPUs: ${gpus}`],
    ["run", `${run.dir} (started ${m.started_at ?? "?"}, lab ${m.lab_version ?? "?"}, schema ${run.schemaVersion})`],
    ["rows", `${run.rows.length} (${run.rows.filter((r) => r.status === "failed").length} failed)`],
  ];
  const banner = run.simulated ? `<p class="banner">Simulated run (time scale ${m.time_scale ?? 1}): numbers come from the built-in simulator, not from hardware.</p>\n` : "";
  return { title: "Run", html: banner + `<ul>${items.map(([k, v]) => `<li><b>${k}</b>: ${escapeHtml(v)}</li>`).join("")}</ul>` };
}

export function winnerSection(selection: Selection | undefined): PageSection {
  if (!selection) return { title: "Winner", html: `<p class="note">No point measured anything: no winner.</p>` };
  const w = selection.winner;
  const objective = describeObjective(selection.objective, selection.scenario);
  const html = w
    ? `<p>Default objective (${escapeHtml(objective)}, no SLOs): <b>${escapeHtml(w.candidate.label)}</b> with ${round(w.objective as number)} ${escapeHtml(selection.objective.metric)}` +
      ` (points ${escapeHtml(w.candidate.pointIds.join(", "))}). ${selection.front.length} configuration(s) on the Pareto front. ` +
      `<code>bench promote RUN_DIR</code> writes its production profile.</p>`
    : `<p class="note">No configuration can win (${escapeHtml(objective)}): every one failed or lacks the metric.</p>`;
  return { title: "Winner", html };
}

export function failedSection(run: LoadedRun): PageSection {
  const failed = run.rows.filter((r) => r.status === "failed");
  if (!failed.length) return { title: "Failed points", html: "<p>No point failed.</p>" };
  const rows = failed.map((r) => [
    escapeHtml(r.pointId), escapeHtml(run.paramNames.map((p) => `${p}=${r.params[p] ?? ""}`).join(" ")), escapeHtml(r.suite || "(startup)"),
    `<b>${escapeHtml(r.failure || "failed")}</b>`, `<pre>${escapeHtml(String(r.values.failure_detail ?? "").slice(-400))}</pre>`,
  ]);
  return { title: "Failed points", html: htmlTable(["point", "parameters", "suite", "cause", "detail (log tail)"], rows) };
}
