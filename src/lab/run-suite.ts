import type { RequestRecord } from "../client/types.ts";
import type { Point } from "../grid/expand.ts";
import type { PointRow } from "../results/columns.ts";
import type { Suite, SuiteContext } from "../suites/types.ts";
import type { ScenarioWindow } from "../telemetry/samples.ts";
import { scenarioWindows } from "../telemetry/windows.ts";
import { failedRow, requestRows, scaleOutcomes, scenarioRows, type RowContext } from "./rows.ts";

export interface SuiteResult {
  rows: PointRow[];
  requests: PointRow[];
  /** Measured windows on the lab's clock (unscaled), for telemetry. */
  windows: ScenarioWindow[];
  /** Every measured request, for the point's runner to judge the engine by. */
  records: RequestRecord[];
  /** Set when the suite threw: its rows are then a single failed row. */
  error?: string;
  /** Whether any row failed (the suite threw, or every request of a scenario failed). */
  failed: boolean;
}

/**
 * One suite against one target, as both `bench grid` and `bench run` do it: run, convert simulator time to real
 * time, and turn the outcomes into points.csv and requests.csv rows; a suite that throws becomes a failed row
 * (with `detail`, e.g. the engine's log tail) instead of losing what the other suites measured.
 */
export async function runSuite<O>(
  ctx: SuiteContext, suite: Suite<O>, options: O, point: Point, rowCtx: RowContext, detail: () => string = () => "",
): Promise<SuiteResult> {
  try {
    const raw = await suite.run(ctx, options);
    const outcomes = scaleOutcomes(raw, ctx.target.timeScale);
    const rows = scenarioRows(rowCtx, suite.kind, outcomes);
    const records = outcomes.flatMap((o) => o.repetitions.flatMap((rep) => rep.records));
    return {
      rows, requests: requestRows(point, suite.kind, outcomes), records, windows: scenarioWindows(suite.kind, raw),
      failed: rows.some((r) => r.status === "failed"),
    };
  } catch (err) {
    const message = (err as Error).message;
    const extra = detail();
    return { rows: [failedRow(rowCtx, "suite_error", extra ? `${message}\n${extra}` : message, suite.kind)], requests: [], records: [], windows: [], error: message, failed: true };
  }
}
