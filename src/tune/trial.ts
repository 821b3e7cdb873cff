import type { FailureCause } from "../engines/types.ts";
import type { Point } from "../grid/expand.ts";
import type { Grid, SuiteEntry } from "../grid/schema.ts";
import { runServerGroup, type GroupContext } from "../lab/run-group.ts";
import type { RunStore } from "../results/run-store.ts";
import type { PointRow } from "../results/columns.ts";
import { readings, type Readings } from "./readings.ts";
import type { TuneObjective } from "./objective.ts";

/** screen: the cheap pass; full: every suite of the grid; repeat: the objective's suite with repetitions. */
export type Fidelity = "screen" | "full" | "repeat";

export interface Config {
  /** The engine configuration's id (server_id). */
  id: string;
  server: Record<string, string | number | boolean>;
  points: Point[];
}

/** What one trial (one engine start) cost and measured; one row of tune.csv with the decision added later. */
export interface TrialResult extends Readings {
  config: string;
  fidelity: Fidelity;
  /** The trial's rows carry this started_at (how resume tells finished trials' rows from interrupted ones). */
  startedAt?: string;
  failure?: FailureCause;
  engineS: number;
  startupS?: number;
  kvTokens?: number;
}

export interface TrialContext {
  group: Omit<GroupContext, "grid" | "store">;
  grid: Grid;
  stores: { full: RunStore; screen: RunStore };
  objective: TuneObjective;
  paramNames: string[];
}

/** Runs one configuration at a fidelity: one engine start, the fidelity's suites, rows to the matching store. */
export async function runTrial(ctx: TrialContext, config: Config, fidelity: Fidelity, suites: SuiteEntry[], repetitions?: number): Promise<TrialResult> {
  const grid: Grid = { ...ctx.grid, suites, repetitions: repetitions ?? ctx.grid.repetitions };
  const store = fidelity === "screen" ? ctx.stores.screen : ctx.stores.full;
  const outcome = await runServerGroup({ ...ctx.group, grid, store }, config.points);
  const rows: PointRow[] = outcome.rows;
  const read = outcome.failure ? {} : readings(rows, ctx.objective, ctx.paramNames);
  // a screen's numbers rank screens only: its short suites never stand for the objective
  const measured = fidelity === "screen" ? { screenScore: read.screenScore, screenPass: read.screenPass, screenSessions: read.screenSessions, errors: read.errors } : read;
  return {
    config: config.id, fidelity, startedAt: rows[0]?.started_at as string | undefined, failure: outcome.failure,
    engineS: outcome.engineS, startupS: outcome.startupS, kvTokens: outcome.kvTokens,
    ...measured,
  };
}
