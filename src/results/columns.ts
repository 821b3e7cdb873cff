import { z } from "zod";

/**
 * The points.csv contract. Column order: LEADING, then one column per grid parameter (named as in the grid
 * file, in matrix order, always holding the point's own value), then SCENARIO_COLUMNS, the metrics'
 * columns (metrics/registry.ts), the server's, the suites' own, then TRAILING; columns nobody declared are
 * appended, never dropped. Columns are only ever added, never renamed; readers join on names and read the
 * meaning of a column from the manifest's schema_version. Empty cell = not measured / not applicable.
 */
export const LEADING_COLUMNS = ["point_id", "status", "failure"] as const;

/** What the scenario was, and the concurrency it actually ran at (a `concurrency` parameter stays the point's). */
export const SCENARIO_COLUMNS = ["suite", "scenario", "path", "scenario_concurrency", "repetitions"] as const;

/** Columns of the scenario around the request metrics: how long the engine took to start, whether the cache was reset. */
export const SCENARIO_TAIL_COLUMNS = ["startup_s", "cache_reset"] as const;

export const TRAILING_COLUMNS = [
  "failure_detail", "engine", "launcher", "server_id", "simulated", "time_scale", "started_at", "ended_at",
] as const;

export type Cell = string | number | boolean | undefined;
export type PointRow = Record<string, Cell>;

/** Every column a lab run writes, in order: parameters, then `measured` (metrics, server and suite columns). */
export function pointColumns(paramNames: readonly string[], measured: readonly string[] = []): string[] {
  return [...new Set([...LEADING_COLUMNS, ...paramNames, ...SCENARIO_COLUMNS, ...measured, ...SCENARIO_TAIL_COLUMNS, ...TRAILING_COLUMNS])];
}

/** requests.csv: one row per request with raw timings (integer nanoseconds relative to the run's epoch). */
export const REQUEST_COLUMNS = [
  "point_id", "suite", "scenario", "repetition", "request_index", "ok", "error", "concurrency",
  "gate_wait_ns", "start_ns", "first_token_ns", "end_ns", "chunks", "itl_ns_mean",
  "prompt_tokens", "output_tokens", "cached_tokens", "tokens_source",
  "session", "turn", "scheduled_ns", "ideal_cached_tokens",
] as const;

/**
 * manifest.json's schema_version, bumped when what a column means changes:
 * - 0: manifests written before the field existed;
 * - 1: `concurrency` and `requests` hold what the scenario ran (overwriting a grid parameter of that name);
 * - 2: parameter columns always hold the point's values; what the scenario ran is in `scenario_concurrency`
 *   and `requests_sent`; a scenario in which every request failed is a failed row (`requests_failed`).
 * Added columns (the replay's, for one) need no bump: readers join on names.
 */
export const MANIFEST_SCHEMA_VERSION = 2;

export const ManifestSchema = z.object({
  schema_version: z.number().int(),
  lab_version: z.string(),
  git_commit: z.string().optional(),
  grid_name: z.string(),
  grid_file: z.string(),
  grid_sha256: z.string(),
  grid: z.unknown(),
  engine: z.string(),
  engine_version: z.string().optional(),
  launcher: z.string(),
  simulated: z.boolean().default(false),
  time_scale: z.number().optional(),
  /** The engine binary and model the run resolved (`model: tiny` and first-use builds become paths). */
  engine_binary: z.string().optional(),
  model_path: z.string().optional(),
  /** Simulator hardware profile, for simulated runs. */
  sim_hardware: z.string().optional(),
  param_names: z.array(z.string()),
  server_params: z.array(z.string()),
  client_params: z.array(z.string()),
  host: z.object({ hostname: z.string(), cpu: z.string(), cores: z.number(), memory_gib: z.number(), gpus: z.array(z.string()) }),
  started_at: z.string(),
  ended_at: z.string().optional(),
  points_total: z.number().int(),
});
export type Manifest = z.infer<typeof ManifestSchema>;
