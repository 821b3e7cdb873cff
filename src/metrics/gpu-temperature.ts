import type { Sample } from "../telemetry/samples.ts";

/** Hottest GPU temperature (°C) in the samples. */
export function gpuTempCMax(samples: readonly Sample[]): number | undefined {
  let max: number | undefined;
  for (const s of samples) for (const g of s.gpus ?? []) if (g.tempC !== undefined) max = Math.max(max ?? -Infinity, g.tempC);
  return max;
}
