import { mean } from "./percentile.ts";
import type { Sample } from "../telemetry/samples.ts";

/** Mean GPU utilisation (%) over the samples and the GPUs in each. */
export function gpuUtilMean(samples: readonly Sample[]): number | undefined {
  return mean(samples.flatMap((s) => (s.gpus ?? []).flatMap((g) => (g.utilPct === undefined ? [] : [g.utilPct]))));
}
