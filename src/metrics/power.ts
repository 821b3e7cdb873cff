import { energyJ } from "./energy.ts";
import type { Sample, ScenarioWindow } from "../telemetry/samples.ts";

/** Time-weighted mean of the GPUs' total power (W) over the windows: energy over time. */
export function powerWMean(samples: readonly Sample[], windows: readonly ScenarioWindow[]): number | undefined {
  const seconds = windows.reduce((sum, w) => sum + (w.endNs - w.startNs) / 1e9, 0);
  const energy = energyJ(samples, windows);
  return energy === undefined || seconds <= 0 ? undefined : energy / seconds;
}
