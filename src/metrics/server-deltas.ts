import type { MetricSamples } from "../client/server-metrics.ts";
import { engineFor } from "../engines/registry.ts";
import type { EngineKind } from "../engines/types.ts";

/** Server-side columns of points.csv, from /metrics scraped around a scenario. Gauges are the largest over the
 * engine's label sets (engines, data-parallel ranks) and over every scrape: `_max` in the name says so. */
export interface ServerDeltas {
  server_prefix_hit_ratio?: number;
  server_prefix_queries?: number;
  server_prefix_hits?: number;
  server_preemptions?: number;
  server_queue_max?: number;
  server_kv_usage_max?: number;
}

export const SERVER_COLUMNS = [
  "server_prefix_hit_ratio", "server_prefix_queries", "server_prefix_hits", "server_preemptions", "server_queue_max", "server_kv_usage_max",
] as const;

/** A counter's growth over the scenario, summed over label sets (counters add up across engines). */
function delta(before: MetricSamples, after: MetricSamples, name: string): number | undefined {
  const a = after.total(name);
  if (a === undefined) return undefined;
  // A counter that went down means the server restarted: count from zero.
  const b = before.total(name) ?? 0;
  return a >= b ? a - b : a;
}

/** A gauge's largest value over every label set and every scrape (never a sum across label sets). */
function maxOf(samples: readonly MetricSamples[], name: string): number | undefined {
  let max: number | undefined;
  for (const s of samples) {
    const v = s.max(name);
    if (v !== undefined) max = Math.max(max ?? -Infinity, v);
  }
  return max;
}

/**
 * Counter deltas between the scrape before and after a scenario, and gauge maxima over every scrape taken
 * (before, during, after), by the names the engine's plugin gives. The hit ratio is hits / queries in tokens.
 */
export function serverDeltas(kind: EngineKind, before: MetricSamples, after: MetricSamples, all: readonly MetricSamples[]): ServerDeltas {
  const n = engineFor(kind).serverMetrics;
  if (!n) return {};
  const parts = n.queries.map((q) => delta(before, after, q));
  const queries = parts.some((p) => p === undefined) ? undefined : parts.reduce<number>((s, p) => s + (p ?? 0), 0);
  const hits = delta(before, after, n.hits);
  return {
    server_prefix_queries: queries,
    server_prefix_hits: hits,
    server_prefix_hit_ratio: queries && hits !== undefined ? hits / queries : queries === 0 ? 0 : undefined,
    server_preemptions: n.preemptions ? delta(before, after, n.preemptions) : undefined,
    server_queue_max: maxOf(all, n.queue),
    server_kv_usage_max: maxOf(all, n.kv),
  };
}

/** Adds the deltas of one measured stretch to a running total (counters add, maxima take the max). */
export function addDeltas(total: ServerDeltas, d: ServerDeltas): ServerDeltas {
  const sum = (a?: number, b?: number) => (a === undefined ? b : b === undefined ? a : a + b);
  const max = (a?: number, b?: number) => (a === undefined ? b : b === undefined ? a : Math.max(a, b));
  const queries = sum(total.server_prefix_queries, d.server_prefix_queries);
  const hits = sum(total.server_prefix_hits, d.server_prefix_hits);
  return {
    server_prefix_queries: queries,
    server_prefix_hits: hits,
    server_prefix_hit_ratio: queries && hits !== undefined ? hits / queries : queries === 0 ? 0 : undefined,
    server_preemptions: sum(total.server_preemptions, d.server_preemptions),
    server_queue_max: max(total.server_queue_max, d.server_queue_max),
    server_kv_usage_max: max(total.server_kv_usage_max, d.server_kv_usage_max),
  };
}
