/**
 * How the lab's client and the simulator share the simulated clock (real engines never see or send any of it;
 * real clients ignore the extra JSON field). All times are integer nanoseconds of the simulator's clock.
 *
 * - Every event of a streamed generation carries `tunelab_sim_ns`: when the engine produced it.
 * - Generation responses carry the header `x-tunelab-sim-arrival-ns`: when the request arrived.
 * - A request may name its arrival (`x-tunelab-sim-at-ns`, e.g. the end of the previous turn plus think time)
 *   and its lane (`x-tunelab-sim-lane`, one simulated user: see src/sim/engine/lanes.ts).
 * - `POST /tunelab/sim/lanes {hold: [ids]}` opens lanes at the engine's present and answers `{now_ns}`;
 *   `{release: [ids]}` closes them. `GET /tunelab/sim/info` tells the simulated startup time and lateness.
 * - `GET /metrics` with `x-tunelab-sim-watermark: ID` adds the gauge maxima since that reader's last scrape.
 */
export const SIM_STAMP_FIELD = "tunelab_sim_ns";
export const SIM_ARRIVAL_HEADER = "x-tunelab-sim-arrival-ns";
export const SIM_AT_HEADER = "x-tunelab-sim-at-ns";
export const SIM_LANE_HEADER = "x-tunelab-sim-lane";
export const SIM_WATERMARK_HEADER = "x-tunelab-sim-watermark";
export const SIM_LANES_PATH = "/tunelab/sim/lanes";
export const SIM_INFO_PATH = "/tunelab/sim/info";
export const SIM_QUEUE_MAX_METRIC = "tunelab_sim:num_requests_waiting_max";
export const SIM_KV_MAX_METRIC = "tunelab_sim:kv_cache_usage_perc_max";

/** The simulator's last stderr line when its startup fails: how long (simulated) it ran, for the lab's accounting. */
export const SIM_FAILED_AFTER = "tunelab-sim: startup failed after simulated";

export function secondsToNs(s: number): number {
  return Math.round(s * 1e9);
}
