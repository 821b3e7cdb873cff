export interface ParetoInput {
  id: string;
  /** Lower is better. */
  latency: number;
  /** Higher is better. */
  throughput: number;
}

/** Ids of the points no other point beats on both latency and throughput (ties on both kept), sorted by latency. */
export function paretoFront<T extends ParetoInput>(points: readonly T[]): T[] {
  const dominated = (p: T) =>
    points.some((q) => q !== p && q.latency <= p.latency && q.throughput >= p.throughput && (q.latency < p.latency || q.throughput > p.throughput));
  return points.filter((p) => !dominated(p)).sort((a, b) => a.latency - b.latency || b.throughput - a.throughput);
}
