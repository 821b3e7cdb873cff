import { engineApiKey } from "../engines/api-key.ts";
import type { Point } from "../grid/expand.ts";
import { StartupFailure, type EngineHandle } from "../launchers/types.ts";
import { isSidecarKind } from "../sidecars/registry.ts";
import type { Fronts } from "./fronts.ts";
import type { PointRow } from "../results/columns.ts";
import { resolveOptions } from "../suites/definitions.ts";
import { clientOverrides } from "../suites/options.ts";
import { suiteFor } from "../suites/registry.ts";
import type { SuiteContext, Target } from "../suites/types.ts";
import type { ScenarioWindow } from "../telemetry/samples.ts";
import { registerSecret } from "../util/secrets.ts";
import { describeExit, exitOf } from "./engine-session.ts";
import { PointGuard, type PointFailure } from "./point-guard.ts";
import { openPath } from "./request-path.ts";
import { failedRow, type RowContext } from "./rows.ts";
import type { GroupContext } from "./run-group.ts";
import { runSuite, type SuiteResult } from "./run-suite.ts";

export interface PointResult {
  rows: PointRow[];
  requests: PointRow[];
  /** Measured windows on the lab's clock (unscaled), for telemetry. */
  windows: ScenarioWindow[];
  /** Short reason for the progress display when something failed. */
  failed?: string;
}

/** Paths on which the simulator's stamps reach the client (the built-in proxy passes them on; external proxies do not). */
const SIM_CLOCK_PATHS = new Set(["direct", "native", "proxy"]);

/** One point against a running engine: its request path, then every suite of the grid under the point's watchdog. */
export async function runPoint(ctx: GroupContext, point: Point, handle: EngineHandle, fronts: Fronts, rowCtx: RowContext): Promise<PointResult> {
  const spec = handle.spec;
  // The client's key comes from the very spec the engine was started with (its flag, else its variable).
  const engineKey = engineApiKey(spec);
  registerSecret(engineKey);
  let opened;
  try {
    if (isSidecarKind(rowCtx.path)) ctx.progress.phase(`starting ${rowCtx.path} in front of the engine`);
    opened = await openPath(rowCtx.path, spec, fronts);
  } catch (err) {
    if (err instanceof StartupFailure) {
      const detail = `path ${rowCtx.path}: the proxy did not start: ${err.message}\n${err.logTail}`;
      return { rows: [failedRow(rowCtx, err.failureCause, detail)], requests: [], windows: [], failed: err.failureCause };
    }
    return { rows: [failedRow(rowCtx, "suite_error", (err as Error).message)], requests: [], windows: [], failed: "suite_error" };
  }
  const target: Target = {
    baseUrl: opened.baseUrl, api: opened.api, frontKey: opened.frontKey, directUrl: spec.baseUrl, model: spec.servedName, engine: spec.engine,
    capabilities: spec.capabilities, path: rowCtx.path, timeScale: ctx.timeScale,
    apiKey: engineKey, requestTimeoutMs: ctx.grid.request_timeout_s * 1000,
    simClock: ctx.engine.simulated && SIM_CLOCK_PATHS.has(rowCtx.path),
  };
  const guard = new PointGuard(ctx.signal, ctx.grid.point_timeout_s);
  try {
    return await runSuites(ctx, point, target, rowCtx, handle, fronts, guard);
  } finally {
    guard.clear();
  }
}

async function runSuites(
  ctx: GroupContext, point: Point, target: Target, rowCtx: RowContext, handle: EngineHandle, fronts: Fronts, guard: PointGuard,
): Promise<PointResult> {
  const rows: PointRow[] = [];
  const requests: PointRow[] = [];
  const windows: ScenarioWindow[] = [];
  const suiteCtx: SuiteContext = {
    target, repetitions: ctx.grid.repetitions ?? 1, clock: ctx.clock, signal: guard.signal,
    onPhase: (p: string) => ctx.progress.phase(p), onRequestTimeout: (error) => guard.fail("request_timeout", error),
    openFront: (kind) => fronts.open(kind),
  };
  const logTail = () => handle.logTail();
  let failed: string | undefined;
  for (const entry of ctx.grid.suites) {
    const suite = suiteFor(entry.kind);
    // precedence: the point's client-level parameters > the grid's options for this suite > the grid's
    // repetitions > the suite's definition
    const overrides = { ...(ctx.grid.repetitions ? { repetitions: ctx.grid.repetitions } : {}), ...entry.options, ...clientOverrides(suite, point.client) };
    const running = runSuite(suiteCtx, suite, resolveOptions(suite, overrides, `grid suite '${entry.kind}'`), point, rowCtx, logTail);
    // The watchdog does not wait for a suite stuck on a frozen engine: the engine is restarted after the point.
    const result = await Promise.race([running, guard.failed.then(() => undefined)]);
    if (ctx.signal.aborted) break;
    const verdict = await judge(suite.kind, result, handle, guard);
    if (verdict) {
      rows.push(failedRow(rowCtx, verdict.cause, `${verdict.detail}\n${logTail()}`, suite.kind));
      requests.push(...(result?.requests ?? []));
      failed = verdict.cause;
      break; // the engine is gone, frozen or out of time: the point's remaining suites cannot measure anything
    }
    rows.push(...result!.rows);
    requests.push(...result!.requests);
    windows.push(...result!.windows);
    if (result!.failed) failed ??= String(result!.rows.find((r) => r.status === "failed")?.failure ?? "suite_error");
  }
  return { rows, requests, windows, failed: failed ?? requestErrors(rows) };
}

/** Failures that end the point: the watchdog fired, or the engine exited while the suite ran. */
async function judge(suiteKind: string, result: SuiteResult | undefined, handle: EngineHandle, guard: PointGuard): Promise<PointFailure | undefined> {
  if (guard.failure) return guard.failure;
  const troubled = !!result?.failed || !!result?.records.some((r) => !r.ok);
  const exit = await exitOf(handle, troubled ? 1000 : 0);
  if (exit) return { cause: "crashed", detail: `the engine ${describeExit(exit)} while suite ${suiteKind} ran` };
  return undefined;
}

function requestErrors(rows: PointRow[]): string | undefined {
  const errors = rows.reduce((n, r) => n + Number(r.errors ?? 0), 0);
  return errors ? `${errors} request errors` : undefined;
}
