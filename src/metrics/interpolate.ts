/** A value over time (integer ns), e.g. total GPU power or cumulative CPU milliseconds. */
export interface TimedValue {
  tNs: number;
  value: number;
}

/** Linear interpolation at `tNs` over points sorted by time; held constant before the first and after the last. */
export function valueAt(points: readonly TimedValue[], tNs: number): number | undefined {
  if (!points.length) return undefined;
  if (tNs <= points[0].tNs) return points[0].value;
  const last = points[points.length - 1];
  if (tNs >= last.tNs) return last.value;
  let lo = 0;
  let hi = points.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (points[mid].tNs <= tNs) lo = mid;
    else hi = mid;
  }
  const a = points[lo];
  const b = points[hi];
  return b.tNs === a.tNs ? b.value : a.value + ((b.value - a.value) * (tNs - a.tNs)) / (b.tNs - a.tNs);
}

/** Integral over [startNs, endNs] of the piecewise-linear curve through the points (value x seconds). */
export function integrate(points: readonly TimedValue[], startNs: number, endNs: number): number | undefined {
  if (!points.length || endNs < startNs) return undefined;
  const knots = [startNs, ...points.map((p) => p.tNs).filter((t) => t > startNs && t < endNs), endNs];
  let sum = 0;
  for (let i = 1; i < knots.length; i++) {
    const a = valueAt(points, knots[i - 1]) as number;
    const b = valueAt(points, knots[i]) as number;
    sum += ((a + b) / 2) * ((knots[i] - knots[i - 1]) / 1e9);
  }
  return sum;
}
