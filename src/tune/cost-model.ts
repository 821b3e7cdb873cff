import type { TrialResult } from "./trial.ts";

const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : undefined);
const median = (xs: number[]) => {
  if (!xs.length) return undefined;
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/**
 * What trials cost, learned as they come in, and the exhaustive run's cost estimated from it: per configuration
 * its own startup where a trial measured it (else the mean startup so far), plus the mean serving time of the full
 * trials so far; a configuration whose start failed, or is predicted to fail, at the cost of a failed start.
 * One expensive trial therefore moves the estimate by its own share, not by the number of configurations.
 */
export class CostModel {
  private readonly startups = new Map<string, number>();
  private readonly failedStarts = new Map<string, number>();
  private readonly fullServing: number[] = [];
  private readonly fulls: number[] = [];
  private readonly screens: number[] = [];

  record(t: TrialResult): void {
    if (t.failure) {
      this.failedStarts.set(t.config, t.engineS);
      return;
    }
    if (t.startupS !== undefined) this.startups.set(t.config, t.startupS);
    if (t.fidelity === "full") {
      this.fulls.push(t.engineS);
      this.fullServing.push(Math.max(0, t.engineS - (t.startupS ?? 0)));
    }
    if (t.fidelity === "screen") this.screens.push(t.engineS);
  }

  /** Measured screens (the estimate of the screening pass waits for a few). */
  get screensMeasured(): number {
    return this.screens.length;
  }

  /** A screen's typical cost: the median of those measured (robust to one that compiled or over-ran). */
  screenCost(): number | undefined {
    return median(this.screens);
  }

  /** The cheapest screen measured: what a screening pass costs at the least (the bar for a budget too small). */
  cheapestScreen(): number | undefined {
    return this.screens.length ? Math.min(...this.screens) : undefined;
  }

  fullCost(): number | undefined {
    return mean(this.fulls);
  }

  /** The exhaustive run (every configuration in full); undefined until one full trial is measured. */
  exhaustiveS(configs: readonly string[], failing: ReadonlySet<string>): number | undefined {
    const serving = mean(this.fullServing);
    if (serving === undefined) return undefined;
    const startup = mean([...this.startups.values()]) ?? 0;
    const failCost = mean([...this.failedStarts.values()]) ?? startup;
    return configs.reduce((sum, id) => sum + (failing.has(id) ? this.failedStarts.get(id) ?? failCost : (this.startups.get(id) ?? startup) + serving), 0);
  }
}
