import { percentile } from "./percentile.ts";

export interface RepeatedValue {
  median?: number;
  ciLow?: number;
  ciHigh?: number;
  /** (max - min) / median across repetitions. */
  spread?: number;
}

/**
 * Median across repetitions with a 95% interval: a distribution-free interval on the median from order
 * statistics when there are at least 6 values, else the full min..max range (the honest interval for few runs).
 */
export function acrossRepetitions(values: readonly number[]): RepeatedValue {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return {};
  const median = percentile(v, 50)!;
  let ciLow = v[0];
  let ciHigh = v[v.length - 1];
  if (v.length >= 6) {
    const half = 1.96 * Math.sqrt(v.length) / 2;
    ciLow = v[Math.max(0, Math.floor(v.length / 2 - half))];
    ciHigh = v[Math.min(v.length - 1, Math.ceil(v.length / 2 + half) - 1)];
  }
  const spread = median !== 0 ? (v[v.length - 1] - v[0]) / Math.abs(median) : 0;
  return { median, ciLow, ciHigh, spread };
}
