import type { RequestRecord } from "../client/types.ts";
import type { FailureCause } from "../engines/types.ts";
import type { Point } from "../grid/expand.ts";
import type { PointRow } from "../results/columns.ts";
import type { Suite, SuiteContext } from "../suites/types.ts";
import { requestsFailure } from "./classify-requests.ts";
import { failedRow, requestRows, scaleOutcomes, scenarioRows, type RowContext } from "./rows.ts";

export interface SuiteResult {
  rows: PointRow[];
  requests: PointRow[];
  /** Every measured request, for the point's runner to judge the engine by. */
  records: RequestRecord[];
  /** Set when the suite failed: its rows are then a single failed row with this cause. */
  error?: string;
  cause?: FailureCause;
}

/**
 * One suite against one target, as both `bench grid` and `bench run` do it: run, convert simulator time to real
 * time, and turn the outcomes into points.csv and requests.csv rows. A suite that throws, or whose requests say
 * the engine failed (classify-requests.ts), becomes one failed row (with `detail`, e.g. the engine's log tail)
 * instead of losing what the other suites measured.
 */
export async function runSuite<O>(
  ctx: SuiteContext, suite: Suite<O>, options: O, point: Point, rowCtx: RowContext, detail: () => string = () => "",
): Promise<SuiteResult> {
  const withDetail = (message: string) => {
    const extra = detail();
    return extra ? `${message}\n${extra}` : message;
  };
  try {
    const outcomes = scaleOutcomes(await suite.run(ctx, options), ctx.target.timeScale);
    const records = outcomes.flatMap((o) => o.repetitions.flatMap((rep) => rep.records));
    const requests = requestRows(point, suite.kind, outcomes);
    const failed = requestsFailure(records);
    if (failed) return { rows: [failedRow(rowCtx, failed.cause, withDetail(failed.detail), suite.kind)], requests, records, error: failed.detail, cause: failed.cause };
    return { rows: scenarioRows(rowCtx, suite.kind, outcomes), requests, records };
  } catch (err) {
    const message = (err as Error).message;
    return { rows: [failedRow(rowCtx, "suite_error", withDetail(message), suite.kind)], requests: [], records: [], error: message, cause: "suite_error" };
  }
}
