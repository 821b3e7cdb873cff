import { readCsv } from "../../src/results/csv.ts";

/**
 * Polls a run's points.csv while `bench grid` writes it and keeps every row as it first appeared, so a test can
 * check that rows written before a fault are still there, unchanged, at the end.
 */
export function watchRows(file: string, intervalMs = 100) {
  const seen = new Map<string, Record<string, string>>();
  const key = (r: Record<string, string>) => `${r.point_id}|${r.suite}|${r.scenario}`;
  const timer = setInterval(() => {
    try {
      for (const row of readCsv(file)) if (!seen.has(key(row))) seen.set(key(row), row);
    } catch {
      /* a rename in progress: next tick */
    }
  }, intervalMs);
  return {
    get rows(): Record<string, string>[] {
      return [...seen.values()];
    },
    stop(): Record<string, string>[] {
      clearInterval(timer);
      return [...seen.values()];
    },
    /** Every row seen while the run went on, unchanged in `final`. */
    intact(final: Record<string, string>[]): boolean {
      const now = new Map(final.map((r) => [key(r), r]));
      return [...seen.values()].every((r) => JSON.stringify(now.get(key(r))) === JSON.stringify(r));
    },
  };
}
