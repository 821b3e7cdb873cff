import { spanOf } from "../metrics/throughput.ts";
import type { ScenarioOutcome } from "../suites/types.ts";
import type { Sample, ScenarioWindow } from "./samples.ts";

/** The measured windows of a suite's scenarios, on the lab's clock (before any simulator time scaling). */
export function scenarioWindows(suite: string, outcomes: readonly ScenarioOutcome[]): ScenarioWindow[] {
  return outcomes.flatMap((o) =>
    o.repetitions.map((rep, repetition) => {
      const w = rep.window ?? spanOf(rep.records);
      const outputTokens = rep.records.reduce((n, r) => n + (r.ok ? r.outputTokens ?? 0 : 0), 0);
      return { suite, scenario: o.scenario, repetition, startNs: w.startNs, endNs: w.endNs, outputTokens };
    }),
  );
}

/** Samples inside a window; for a window shorter than the interval, the two samples around it instead. */
export function samplesFor(samples: readonly Sample[], w: ScenarioWindow): Sample[] {
  const inside = samples.filter((s) => s.tNs >= w.startNs && s.tNs <= w.endNs);
  if (inside.length) return inside;
  const before = samples.filter((s) => s.tNs < w.startNs).at(-1);
  const after = samples.find((s) => s.tNs > w.endNs);
  return [before, after].filter((s): s is Sample => s !== undefined);
}

/** Whether the samples reach both ends of the window (within `slackNs`), so nothing in it is guessed. */
export function covers(samples: readonly Sample[], w: ScenarioWindow, slackNs: number): boolean {
  return samples.some((s) => s.tNs <= w.startNs + slackNs) && samples.some((s) => s.tNs >= w.endNs - slackNs);
}

/** The window a sample falls in, if any. */
export function windowAt(windows: readonly ScenarioWindow[], tNs: number): ScenarioWindow | undefined {
  return windows.find((w) => tNs >= w.startNs && tNs <= w.endNs);
}

/** Windows grouped by scenario (suite + scenario name), in order. */
export function byScenario(windows: readonly ScenarioWindow[]): Map<string, ScenarioWindow[]> {
  const groups = new Map<string, ScenarioWindow[]>();
  for (const w of windows) {
    const key = scenarioId(w.suite, w.scenario);
    groups.set(key, [...(groups.get(key) ?? []), w]);
  }
  return groups;
}

export function scenarioId(suite: string, scenario: string): string {
  return `${suite}\u0000${scenario}`;
}
