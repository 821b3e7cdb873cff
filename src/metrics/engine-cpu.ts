import { valueAt, type TimedValue } from "./interpolate.ts";
import type { Sample, ScenarioWindow } from "../telemetry/samples.ts";

/** CPU seconds the engine's processes used during the windows (cumulative counter, interpolated at the edges). */
export function engineCpuS(samples: readonly Sample[], windows: readonly ScenarioWindow[]): number | undefined {
  const cpu: TimedValue[] = samples.flatMap((s) => (s.cpuMs === undefined ? [] : [{ tNs: s.tNs, value: s.cpuMs }]));
  if (!cpu.length || !windows.length) return undefined;
  return windows.reduce((sum, w) => sum + ((valueAt(cpu, w.endNs) as number) - (valueAt(cpu, w.startNs) as number)) / 1000, 0);
}
