import { BREAK_LABELS } from "./classify.ts";
import type { DoctorReport, DoctorRow } from "./cache-doctor.ts";

const pct = (x: number | undefined) => (x === undefined ? "-" : `${Math.round(x * 100)}%`);

/** The doctor's table: one line per request, breaks named with their position. */
export function doctorTable(report: DoctorReport): string {
  const approx = report.token_source === "estimate" ? "~" : "";
  const header = ["request", "prompt", "shared", "recompute", "ideal", "achieved", "break"];
  const lines = report.rows.map((r) => [
    `${r.session}#${r.index}`, `${approx}${r.prompt_tokens}`, `${approx}${r.shared_tokens}`, r.recompute_tokens ? `${approx}${r.recompute_tokens}` : "-",
    pct(r.ideal_hit_ratio), pct(r.achieved_hit_ratio), r.break ? describeBreak(r) : "",
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => String(l[i]).length)));
  const fmt = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]))).join("  ").trimEnd();
  const kinds = Object.entries(report.breaks).map(([k, n]) => `${k} x${n}`).join(", ") || "none";
  const tokens = report.token_source === "engine" ? "engine tokens" : "~ = estimated tokens (bytes / 4; pass --url for the engine's tokenizer)";
  return [fmt(header), ...lines.map(fmt), "", `${report.requests} requests, view ${report.view}, ${tokens}; breaks: ${kinds}`].join("\n");
}

/** `messages[0].content[1].text char 57, byte 81234: timestamp inside <system-reminder> changed`. */
export function describeBreak(r: DoctorRow): string {
  const b = r.break!;
  const hidden = b.reaches_engine ? "" : " (no token lost: the chat template does not render it)";
  return `${b.path}${b.char !== undefined ? ` char ${b.char}` : ""} (byte ${b.byte}): ${BREAK_LABELS[b.kind]}${hidden}`;
}
