import { silentProgress, type ProgressObserver } from "./observer.ts";

export const PROGRESS_MODES = ["tty", "plain", "none"] as const;
export type ProgressMode = (typeof PROGRESS_MODES)[number];

export function defaultProgressMode(stream: NodeJS.WriteStream = process.stderr): ProgressMode {
  return stream.isTTY && !process.env.CI ? "tty" : "plain";
}

function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return "--";
  const s = Math.round(seconds);
  return s >= 3600 ? `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m` : s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s` : `${s}s`;
}

/**
 * Point i/n, phase, elapsed and ETA on stderr: one rewritten line on a TTY, plain lines otherwise. The ETA
 * extrapolates the time spent on points so far, from the first point's start, to the points left.
 */
export function createProgress(mode: ProgressMode, stream: NodeJS.WriteStream = process.stderr): ProgressObserver {
  if (mode === "none") return silentProgress;
  const t0 = Date.now();
  let total = 0;
  let finished = 0;
  let current = "";
  let lastPhase = "";
  /** When the first point started: setup before it (a first-use build, a model download) is not point time. */
  let pointsSince: number | undefined;
  const elapsed = () => (Date.now() - t0) / 1000;
  const eta = () => (finished && pointsSince !== undefined ? ((Date.now() - pointsSince) / 1000 / finished) * (total - finished) : NaN);
  const status = (text: string) => `[${current}] ${text}  (elapsed ${formatDuration(elapsed())}, ETA ${formatDuration(eta())})`;
  const write = (line: string, transient: boolean) => {
    if (mode === "tty") stream.write(`\r\x1b[2K${line}${transient ? "" : "\n"}`);
    else if (!transient || line !== lastPhase) stream.write(line + "\n");
    if (transient) lastPhase = line;
  };
  return {
    gridStart({ name, points, skipped }) {
      total = points - skipped;
      write(`grid ${name}: ${points} points${skipped ? `, ${skipped} already done` : ""}`, false);
    },
    pointStart({ index, total: n, pointId, label }) {
      pointsSince ??= Date.now();
      current = `${index}/${n} ${pointId}`;
      write(status(label), mode !== "tty" ? false : true);
    },
    phase(text) {
      write(status(text), true);
    },
    pointEnd({ pointId, status: st, detail }) {
      finished++;
      write(`point ${pointId}: ${st}${detail ? ` (${detail})` : ""}`, false);
    },
    gridEnd({ ok, failed, skipped, outDir }) {
      write(`done in ${formatDuration(elapsed())}: ${ok} ok, ${failed} failed, ${skipped} skipped -> ${outDir}`, false);
    },
    note(text) {
      write(text, false);
    },
  };
}
