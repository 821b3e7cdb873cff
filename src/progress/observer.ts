/** Progress events of a grid run; renderers draw them on stderr, tests can record them. */
export interface ProgressObserver {
  gridStart(info: { name: string; points: number; skipped: number }): void;
  pointStart(info: { index: number; total: number; pointId: string; label: string }): void;
  phase(text: string): void;
  pointEnd(info: { pointId: string; status: "ok" | "failed" | "skipped"; detail?: string }): void;
  gridEnd(info: { ok: number; failed: number; skipped: number; outDir: string }): void;
  /** Free-form line (setup output, warnings). */
  note(text: string): void;
}

export const silentProgress: ProgressObserver = {
  gridStart() {}, pointStart() {}, phase() {}, pointEnd() {}, gridEnd() {}, note() {},
};
