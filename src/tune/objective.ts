import { badInput } from "../errors.ts";
import type { Grid } from "../grid/schema.ts";
import { parseObjective, type Objective } from "../report/objective.ts";
import { suiteColumns, suiteKinds } from "../suites/registry.ts";

/** Metrics only one suite measures; everything else (latency, throughput, server deltas) any suite does. */
const MEASURED_BY: Record<string, string> = {
  capacity_sessions: "capacity", capacity_sessions_ci_low: "capacity", capacity_sessions_ci_high: "capacity",
  slo_met: "capacity", oversaturated: "capacity", ttft_ms_p95: "capacity", tpot_ms_p95: "capacity",
  tool_calls_ok: "toolcall", proxy_added_ttft_ms: "proxy", proxy_added_itl_ms: "proxy",
};

export interface TuneObjective extends Objective {
  text: string;
  /** The suite whose rows carry the objective (its repetitions are what finalists repeat). */
  suite: string;
}

/**
 * The objective of a tune: `--objective`, else capacity_sessions@capacity when the grid runs the capacity suite,
 * else output_tok_s at the highest concurrency (as promote). Exit 2 when no suite of the grid measures it.
 */
export function tuneObjective(grid: Grid, text: string | undefined): TuneObjective {
  const kinds = grid.suites.map((s) => s.kind);
  const spec = text ?? (kinds.includes("capacity") ? "capacity_sessions@capacity/capacity" : "output_tok_s");
  const o = parseObjective(spec, suiteColumns());
  const needed = MEASURED_BY[o.metric];
  const named = o.scenario?.split("/")[0].split("@")[0];
  const scenarioSuite = named && kinds.includes(named) ? named : undefined;
  if (needed && !kinds.includes(needed)) {
    throw badInput(`--objective ${spec}: no suite of grid '${grid.name}' measures ${o.metric}`, `add the ${needed} suite to the grid's suites`);
  }
  if (named && !scenarioSuite && suiteKinds().includes(named)) {
    throw badInput(`--objective ${spec}: grid '${grid.name}' does not run the ${named} suite`, `add ${named} to its suites, or name one of: ${kinds.join(", ")}`);
  }
  const suite = needed ?? scenarioSuite ?? highestConcurrencySuite(grid);
  return { ...o, text: spec, suite };
}

function highestConcurrencySuite(grid: Grid): string {
  const kinds = grid.suites.map((s) => s.kind);
  return kinds.find((k) => k === "capacity") ?? kinds.find((k) => k === "concurrency") ?? kinds[0];
}
