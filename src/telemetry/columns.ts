/** points.csv columns the telemetry samplers fill (empty when not measured); appended to METRIC_COLUMNS. */
export const TELEMETRY_COLUMNS = [
  // per scenario, GPU (nvidia sampler)
  "gpu_mem_used_gib_max", "gpu_util_mean", "power_w_mean", "energy_j", "tokens_per_joule", "temp_c_max",
  // per engine start, GPU
  "gpu_mem_headroom_gib",
  // per scenario, CPU engines (proc sampler)
  "engine_cpu_s", "engine_rss_gib_max", "tokens_per_cpu_s",
] as const;

/** Telemetry metrics where less is better (promote's objective direction); the rest are maximized. */
export const TELEMETRY_LOWER_IS_BETTER = new Set<string>(["gpu_mem_used_gib_max", "power_w_mean", "energy_j", "temp_c_max", "engine_cpu_s", "engine_rss_gib_max"]);

/** telemetry.csv: one row per sample (per GPU for nvidia), tagged with the scenario window it fell in. */
export const TELEMETRY_CSV_COLUMNS = [
  "point_id", "server_id", "suite", "scenario", "repetition", "kind", "t_ns", "time",
  "gpu", "gpu_mem_used_gib", "gpu_mem_total_gib", "gpu_util_pct", "power_w", "temp_c", "sm_clock_mhz",
  "engine_cpu_s", "engine_rss_gib", "processes",
] as const;
