import { mean, percentile } from "./percentile.ts";

/**
 * What a proxy adds to a latency percentile, in ms: the percentile of the samples through it minus the same
 * percentile straight to the engine, both measured side by side in the same rounds. Undefined without samples.
 */
export function addedPercentileMs(viaProxy: readonly number[], direct: readonly number[], p: number): number | undefined {
  const a = percentile(viaProxy, p);
  const b = percentile(direct, p);
  return a === undefined || b === undefined ? undefined : a - b;
}

/** The same for the mean (per-chunk delay: mean ITL through the proxy minus mean ITL direct). */
export function addedMeanMs(viaProxy: readonly number[], direct: readonly number[]): number | undefined {
  const a = mean(viaProxy);
  const b = mean(direct);
  return a === undefined || b === undefined ? undefined : a - b;
}
