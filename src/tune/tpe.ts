import type { ParamValue } from "../grid/schema.ts";

export type Assignment = Record<string, ParamValue>;

export interface Observation {
  params: Assignment;
  /** Higher is better. */
  score: number;
}

/**
 * Tree-structured Parzen estimator over a discrete space (every parameter categorical): observations are split
 * at the `gamma` quantile into good and bad; each parameter gets a smoothed frequency estimate per group
 * (prior weight `prior` on every value); a candidate's merit is the product over parameters of l(x)/g(x).
 */
export function tpeScores(candidates: readonly Assignment[], observed: readonly Observation[], values: Record<string, readonly ParamValue[]>, gamma = 0.25, prior = 1): number[] {
  if (observed.length < 2) return candidates.map(() => 1);
  const sorted = [...observed].sort((a, b) => b.score - a.score);
  const cut = Math.max(1, Math.ceil(gamma * sorted.length));
  const good = sorted.slice(0, cut);
  const bad = sorted.slice(cut);
  const density = (group: readonly Observation[], name: string, value: ParamValue): number => {
    const options = values[name].length;
    const hits = group.filter((o) => o.params[name] === value).length;
    return (hits + prior) / (group.length + prior * options);
  };
  return candidates.map((c) => Object.keys(values).reduce((merit, name) => merit * (density(good, name, c[name]) / density(bad, name, c[name])), 1));
}
