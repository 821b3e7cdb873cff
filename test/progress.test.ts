import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createProgress } from "../src/progress/render.ts";

/** A stderr stand-in that keeps what was written. */
function sink() {
  const lines: string[] = [];
  return { lines, stream: { isTTY: false, write: (text: string) => lines.push(text.trimEnd()) } as unknown as NodeJS.WriteStream };
}

describe("progress ETA (issue 14, item 19)", () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(0);
  });
  afterEach(() => vi.useRealTimers());

  it("counts only time spent on points, not the first-use setup before them", () => {
    const { lines, stream } = sink();
    const progress = createProgress("plain", stream);
    progress.note("building llama.cpp (first use)");
    vi.advanceTimersByTime(3600_000); // an hour of setup
    progress.gridStart({ name: "g", points: 5, skipped: 0 });
    for (let i = 1; i <= 2; i++) {
      progress.pointStart({ index: i, total: 5, pointId: `p${i}`, label: `point ${i}` });
      vi.advanceTimersByTime(60_000); // each point takes a minute
      progress.pointEnd({ pointId: `p${i}`, status: "ok" });
    }
    progress.pointStart({ index: 3, total: 5, pointId: "p3", label: "point 3" });
    expect(lines.at(-1)).toMatch(/\[3\/5 p3\] point 3 {2}\(elapsed 1h02m, ETA 3m00s\)$/);
  });

  it("shows no ETA before the first point ended", () => {
    const { lines, stream } = sink();
    const progress = createProgress("plain", stream);
    progress.gridStart({ name: "g", points: 2, skipped: 0 });
    progress.pointStart({ index: 1, total: 2, pointId: "p1", label: "point 1" });
    expect(lines.at(-1)).toMatch(/ETA --\)$/);
  });
});
