import type { Cell } from "../results/columns.ts";
import type { Sample, ScenarioWindow } from "./samples.ts";

/**
 * A sampler kind. The agent (agent.sh) runs the sampling on the engine's host; the kind reads its lines into
 * samples and turns samples into points.csv and telemetry.csv columns.
 */
export interface Sampler {
  kind: "nvidia" | "proc";
  /** Adds one sample line (its fields after the agent's timestamp) to the series; false if it is not a valid line. */
  add(series: Sample[], sample: Pick<Sample, "tNs" | "wallS">, fields: string[]): boolean;
  /** Columns of one scenario from the samples of its windows (every repetition). */
  scenarioColumns(series: readonly Sample[], windows: readonly ScenarioWindow[]): Record<string, Cell>;
  /** Columns of the engine start, over every sample so far (startup included). */
  engineColumns(series: readonly Sample[]): Record<string, Cell>;
  /** telemetry.csv cells of one sample (one row per GPU for nvidia). */
  csvRows(sample: Sample): Array<Record<string, Cell>>;
}
