import { integrate, type TimedValue } from "./interpolate.ts";
import type { Sample, ScenarioWindow } from "../telemetry/samples.ts";

/** Total board power (W) of every GPU at each sample that reported power for all of them. */
export function totalPower(samples: readonly Sample[]): TimedValue[] {
  return samples.flatMap((s) => {
    const gpus = s.gpus ?? [];
    if (!gpus.length || gpus.some((g) => g.powerW === undefined)) return [];
    return [{ tNs: s.tNs, value: gpus.reduce((sum, g) => sum + (g.powerW as number), 0) }];
  });
}

/** Energy (J) the GPUs drew over the windows: total power, linear between samples, integrated over each window. */
export function energyJ(samples: readonly Sample[], windows: readonly ScenarioWindow[]): number | undefined {
  const power = totalPower(samples);
  if (!power.length || !windows.length) return undefined;
  return windows.reduce((sum, w) => sum + (integrate(power, w.startNs, w.endNs) ?? 0), 0);
}
