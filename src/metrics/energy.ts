import { integrate, type TimedValue } from "./interpolate.ts";
import type { Sample, ScenarioWindow } from "../telemetry/samples.ts";

/**
 * Total board power (W) of every GPU at each sample, once each has reported power: a GPU whose line of a tick
 * arrived apart from the others (a loaded machine) counts with its latest reading, never as zero.
 */
export function totalPower(samples: readonly Sample[]): TimedValue[] {
  const gpus = new Set(samples.flatMap((s) => (s.gpus ?? []).map((g) => g.gpu)));
  const latest = new Map<number, number>();
  return samples.flatMap((s) => {
    for (const g of s.gpus ?? []) if (g.powerW !== undefined) latest.set(g.gpu, g.powerW);
    if (!s.gpus?.length || latest.size < gpus.size) return [];
    return [{ tNs: s.tNs, value: [...latest.values()].reduce((sum, w) => sum + w, 0) }];
  });
}

/** Energy (J) the GPUs drew over the windows: total power, linear between samples, integrated over each window. */
export function energyJ(samples: readonly Sample[], windows: readonly ScenarioWindow[]): number | undefined {
  const power = totalPower(samples);
  if (!power.length || !windows.length) return undefined;
  return windows.reduce((sum, w) => sum + (integrate(power, w.startNs, w.endNs) ?? 0), 0);
}
