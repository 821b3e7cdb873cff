/** One GPU's reading in a sample, as nvidia-smi reports it (MiB, %, W, °C, MHz); undefined where it said [N/A]. */
export interface GpuReading {
  gpu: number;
  memUsedMiB?: number;
  memTotalMiB?: number;
  utilPct?: number;
  powerW?: number;
  tempC?: number;
  smMHz?: number;
}

/**
 * One telemetry sample: a time on the lab's monotonic clock (integer ns, the clock of requests.csv) and what
 * the sampler read then: every GPU (nvidia), or the engine's process group (proc).
 */
export interface Sample {
  tNs: number;
  /** Wall-clock time the agent stamped (Unix seconds), for telemetry.csv. */
  wallS: number;
  gpus?: GpuReading[];
  /** Cumulative CPU time of the engine's processes, corrected to never go down when a process exits. */
  cpuMs?: number;
  /** The counter as the agent read it, before that correction. */
  cpuRawMs?: number;
  rssKiB?: number;
  processes?: number;
}

/** A measured stretch of one repetition of a scenario, with the output tokens it produced. */
export interface ScenarioWindow {
  suite: string;
  scenario: string;
  repetition: number;
  startNs: number;
  endNs: number;
  outputTokens: number;
}

export const MIB_PER_GIB = 1024;
export const KIB_PER_GIB = 1024 * 1024;
