import { rng } from "../../suites/workload/filler.ts";

/** Uniform floats in [0, 1) from the workload's seeded generator (same seed, same trace). */
export function floatRng(seed: string): () => number {
  const next = rng(seed);
  return () => next() / 0x1000000;
}

/** A log-normal draw with the given median and shape (sigma of the underlying normal), clipped to [min, max]. */
export function logNormal(u: () => number, median: number, sigma: number, min: number, max: number): number {
  const z = Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
  return Math.min(max, Math.max(min, median * Math.exp(sigma * z)));
}
