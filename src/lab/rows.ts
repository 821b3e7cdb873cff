import type { RequestRecord } from "../client/types.ts";
import type { FailureCause } from "../engines/types.ts";
import type { Point } from "../grid/expand.ts";
import { summarizeScenario } from "../metrics/summarize.ts";
import type { Cell, PointRow } from "../results/columns.ts";
import type { ScenarioOutcome } from "../suites/types.ts";

export interface RowContext {
  point: Point;
  engine: string;
  launcher: string;
  path: string;
  simulated: boolean;
  timeScale: number;
  startupS?: number;
  startedAt: string;
}

/** What every row of a point carries; the point's parameters come last, so no measured value can replace them. */
function base(ctx: RowContext): PointRow {
  return {
    point_id: ctx.point.id, path: ctx.path, engine: ctx.engine, launcher: ctx.launcher,
    server_id: ctx.point.serverId, simulated: ctx.simulated, time_scale: ctx.simulated ? ctx.timeScale : undefined,
    startup_s: ctx.startupS, started_at: ctx.startedAt, ended_at: new Date().toISOString(), ...ctx.point.params,
  };
}

/** The row of a point that failed (to start, or while a suite ran): cause plus the log's tail. */
export function failedRow(ctx: RowContext, cause: FailureCause, detail: string, suite?: string): PointRow {
  return { ...base(ctx), status: "failed", failure: cause, failure_detail: clip(detail), suite };
}

/** The first line (what went wrong) and the end of the log tail, within ~2000 characters. */
function clip(detail: string, max = 2000): string {
  if (detail.length <= max) return detail;
  const nl = detail.indexOf("\n");
  const head = nl < 0 ? detail.slice(0, 400) : detail.slice(0, Math.min(nl, 400));
  return `${head}\n...\n${detail.slice(-(max - head.length - 5))}`;
}

/**
 * One row per scenario a suite measured. A scenario in which every request failed measured nothing: it is a
 * failed row (`requests_failed`) whose detail is the requests' most common error, not an ok row of zeros.
 */
export function scenarioRows(ctx: RowContext, suite: string, outcomes: ScenarioOutcome[]): PointRow[] {
  return outcomes.map((o) => {
    const measured = { ...summarizeScenario(o.repetitions, o.slo), ...(o.extra ?? {}) };
    const scenario = { suite, scenario: o.scenario, scenario_concurrency: o.concurrency };
    const records = o.repetitions.flatMap((r) => r.records);
    if (records.length && records.every((r) => !r.ok)) {
      const detail = `all ${records.length} requests failed: ${commonError(records)}`;
      return { requests_sent: measured.requests_sent, errors: measured.errors, ...base(ctx), ...scenario, status: "failed", failure: "requests_failed", failure_detail: clip(detail) };
    }
    return { ...measured, ...base(ctx), ...scenario, status: "ok", failure: "" };
  });
}

/** The error most requests ended with (and how many), e.g. `HTTP 401: ... (8 of 8)`. */
function commonError(records: RequestRecord[]): string {
  const counts = new Map<string, number>();
  for (const r of records) counts.set(r.error ?? "unknown error", (counts.get(r.error ?? "unknown error") ?? 0) + 1);
  const [error, n] = [...counts.entries()].sort((a, b) => b[1] - a[1])[0];
  return n === records.length ? error : `${error} (${n} of ${records.length})`;
}

/** requests.csv rows for every request of every repetition. */
export function requestRows(point: Point, suite: string, outcomes: ScenarioOutcome[]): PointRow[] {
  const rows: PointRow[] = [];
  for (const o of outcomes) {
    o.repetitions.forEach((rep, r) => rep.records.forEach((rec, i) => rows.push(requestRow(point, suite, o, r, i, rec))));
  }
  return rows;
}

function requestRow(point: Point, suite: string, o: ScenarioOutcome, repetition: number, index: number, r: RequestRecord): Record<string, Cell> {
  const gaps = r.chunkNs.length > 1 ? Math.round((r.chunkNs[r.chunkNs.length - 1] - r.chunkNs[0]) / (r.chunkNs.length - 1)) : undefined;
  return {
    point_id: point.id, suite, scenario: o.scenario, repetition, request_index: index, ok: r.ok, error: r.error,
    concurrency: o.concurrency, gate_wait_ns: r.gateWaitNs, start_ns: r.startNs, first_token_ns: r.firstTokenNs,
    end_ns: r.endNs, chunks: r.chunkNs.length, itl_ns_mean: gaps, prompt_tokens: r.promptTokens,
    output_tokens: r.outputTokens, cached_tokens: r.cachedTokens, tokens_source: r.outputTokens === undefined ? undefined : r.tokensSource ?? "usage",
    session: r.session, turn: r.turn, scheduled_ns: r.scheduledNs, ideal_cached_tokens: r.idealCachedTokens,
  };
}

/**
 * Converts wall-clock records of a time-scaled simulator into real-time equivalents (a K-times-faster simulator:
 * times K). Records timed on the simulator's own clock (`simClock`) already are, and stay as they are.
 */
export function scaleOutcomes(outcomes: ScenarioOutcome[], k: number): ScenarioOutcome[] {
  if (k === 1) return outcomes;
  const s = (ns: number) => Math.round(ns * k);
  return outcomes.map((o) => ({
    ...o,
    repetitions: o.repetitions.map((rep) => ({
      window: rep.window && { startNs: s(rep.window.startNs), endNs: s(rep.window.endNs) },
      records: rep.records.map((r) => (r.simClock ? r : {
        ...r, gateWaitNs: s(r.gateWaitNs), startNs: s(r.startNs), endNs: s(r.endNs),
        scheduledNs: r.scheduledNs === undefined ? undefined : s(r.scheduledNs), sentNs: r.sentNs === undefined ? undefined : s(r.sentNs),
        firstTokenNs: r.firstTokenNs === undefined ? undefined : s(r.firstTokenNs), chunkNs: r.chunkNs.map(s),
      })),
    })),
  }));
}
