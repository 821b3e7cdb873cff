/** Percentile by linear interpolation between closest ranks (numpy's default), p in [0, 100]. */
export function percentile(values: readonly number[], p: number): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - lo);
}

export function mean(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  let sum = 0;
  for (const v of values) sum += v;
  return sum / values.length;
}

export interface Distribution {
  mean?: number;
  p50?: number;
  p90?: number;
  p99?: number;
}

export function distribution(values: readonly number[]): Distribution {
  return { mean: mean(values), p50: percentile(values, 50), p90: percentile(values, 90), p99: percentile(values, 99) };
}
