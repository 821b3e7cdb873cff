import { KIB_PER_GIB, type Sample } from "../telemetry/samples.ts";

/** Largest resident memory of the engine's processes together (GiB) in the samples. */
export function engineRssGiBMax(samples: readonly Sample[]): number | undefined {
  let max: number | undefined;
  for (const s of samples) if (s.rssKiB !== undefined) max = Math.max(max ?? 0, s.rssKiB);
  return max === undefined ? undefined : max / KIB_PER_GIB;
}
