import { z } from "zod";

/**
 * The points.csv contract. Column order is stable: LEADING, then one column per grid parameter (named as in
 * the grid file, in matrix order), then METRIC_COLUMNS, then TRAILING. Columns are only ever added, never
 * renamed; readers join on names. Empty cell = not measured / not applicable.
 */
export const LEADING_COLUMNS = ["point_id", "status", "failure"] as const;

export const METRIC_COLUMNS = [
  "suite", "scenario", "path", "concurrency", "requests", "errors", "repetitions",
  "ttft_ms_mean", "ttft_ms_p50", "ttft_ms_p90", "ttft_ms_p99",
  "tpot_ms_mean", "tpot_ms_p50", "tpot_ms_p99",
  "itl_ms_mean", "itl_ms_p50", "itl_ms_p99",
  "e2el_ms_mean", "e2el_ms_p50", "e2el_ms_p99",
  "request_s", "output_tok_s", "output_tok_s_peak", "total_tok_s", "goodput_req_s",
  "per_user_output_tok_s", "gate_wait_ms_mean",
  "prompt_tokens_mean", "output_tokens_mean", "cached_tokens_mean",
  "output_tok_s_ci_low", "output_tok_s_ci_high", "ttft_ms_p50_ci_low", "ttft_ms_p50_ci_high", "spread_flag",
  "server_prefix_hit_ratio", "server_prefix_queries", "server_prefix_hits", "server_preemptions",
  "server_queue_max", "server_kv_usage_max",
  "startup_s",
  "server_prompt_ms_mean", "tool_calls_ok", "cache_reset",
  "proxy_added_ttft_ms", "proxy_added_itl_ms",
  "ttft_ms_p95", "tpot_ms_p95", "slo_met", "oversaturated",
  "capacity_sessions", "capacity_sessions_ci_low", "capacity_sessions_ci_high",
] as const;

export const TRAILING_COLUMNS = [
  "failure_detail", "engine", "launcher", "server_id", "simulated", "time_scale", "started_at", "ended_at",
] as const;

export type Cell = string | number | boolean | undefined;
export type PointRow = Record<string, Cell>;

export function pointColumns(paramNames: readonly string[]): string[] {
  return [...new Set([...LEADING_COLUMNS, ...paramNames, ...METRIC_COLUMNS, ...TRAILING_COLUMNS])];
}

/** requests.csv: one row per request with raw timings (integer nanoseconds relative to the run's epoch). */
export const REQUEST_COLUMNS = [
  "point_id", "suite", "scenario", "repetition", "request_index", "ok", "error", "concurrency",
  "gate_wait_ns", "start_ns", "first_token_ns", "end_ns", "chunks", "itl_ns_mean",
  "prompt_tokens", "output_tokens", "cached_tokens",
] as const;

/** manifest.json: schema_version is bumped when columns are added. */
export const MANIFEST_SCHEMA_VERSION = 1;

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
