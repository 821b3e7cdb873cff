import type { FailureCause, LaunchSpec } from "../engines/types.ts";
import { kvCapacityTokens } from "../engines/startup-facts.ts";
import type { Clock } from "../client/types.ts";
import type { Grid } from "../grid/schema.ts";
import type { Point } from "../grid/expand.ts";
import type { EngineHandle, Launcher } from "../launchers/types.ts";
import { StartupFailure } from "../launchers/types.ts";
import type { ProgressObserver } from "../progress/observer.ts";
import type { RunStore } from "../results/run-store.ts";
import { suiteFor } from "../suites/registry.ts";
import { resolveOptions } from "../suites/definitions.ts";
import { clientOverrides } from "../suites/options.ts";
import { engineApiKey } from "../engines/api-key.ts";
import { expandEnv } from "../util/env.ts";
import { registerLaunchSecrets, registerSecret, redactText } from "../util/secrets.ts";
import type { Target } from "../suites/types.ts";
import type { ResolvedEngine } from "./resolve-engine.ts";
import { openPath } from "./request-path.ts";
import { runSuite } from "./run-suite.ts";
import { failedRow, type RowContext } from "./rows.ts";
import type { PointRow } from "../results/columns.ts";
import { simInfo } from "../client/sim-clock.ts";
import { SIM_FAILED_AFTER, SIM_INFO_PATH } from "../util/sim-clock-protocol.ts";

export interface GroupContext {
  grid: Grid;
  engine: ResolvedEngine;
  launcher: Launcher;
  store: RunStore;
  progress: ProgressObserver;
  clock: Clock;
  signal: AbortSignal;
  timeScale: number;
  /** Numbering for the progress display. */
  index: (point: Point) => number;
  total: number;
}

/** What one engine start cost and showed (the tuner's accounting; `bench grid` ignores it). */
export interface GroupOutcome {
  failure?: FailureCause;
  /** Seconds from launch to ready (simulated seconds on the simulator). */
  startupS?: number;
  /** Engine-seconds: startup plus serving time, in real-time equivalents on the simulator. */
  engineS: number;
  /** KV capacity the engine reported at startup, in tokens. */
  kvTokens?: number;
  rows: PointRow[];
}

/**
 * Runs the pending points that share one engine configuration: one engine start, then every client-level
 * variation against it. A start failure fails every point of the group; a suite failure fails only its point.
 * The engine's log is scrubbed of secrets once the engine is stopped.
 */
export async function runServerGroup(ctx: GroupContext, points: Point[]): Promise<GroupOutcome> {
  const { grid, engine, store, progress } = ctx;
  const first = points[0];
  const startedAt = new Date().toISOString();
  const rowCtx = (point: Point, startupS?: number): RowContext => ({
    point, engine: engine.kind, launcher: ctx.launcher.kind, path: String(point.client.path ?? grid.path),
    simulated: engine.simulated, timeScale: ctx.timeScale, startupS, startedAt,
  });
  progress.pointStart({ index: ctx.index(first), total: ctx.total, pointId: first.id, label: describe(first) });
  const wallStart = performance.now();
  const wallS = () => ((performance.now() - wallStart) / 1000) * (engine.simulated ? ctx.timeScale : 1);
  const rows: PointRow[] = [];
  let handle;
  let simStartupS: number | undefined;
  try {
    handle = await ctx.launcher.start({
      render: (host, port) => withSecretsKnown(engine.adapter.render({
        grid, server: first.server, host, port, binary: engine.binary, model: engine.model, simulation: engine.simulation,
      })),
      engine: engine.adapter,
      runDir: store.dir,
      serverId: first.serverId,
      gridName: grid.name,
      logFile: store.logFile(first.serverId),
      startupTimeoutMs: grid.launcher.startup_timeout_s * 1000,
      stopTimeoutMs: grid.launcher.stop_timeout_s * 1000,
      signal: ctx.signal,
      onPhase: (p) => progress.phase(p),
      options: grid.launcher.options,
    });
    if (engine.simulated) simStartupS = await simulatedStartup(handle);
  } catch (err) {
    store.redactLog(first.serverId);
    if (ctx.signal.aborted) return { engineS: wallS(), rows };
    const f = err instanceof StartupFailure ? err : new StartupFailure("crashed", "", (err as Error).message);
    for (const point of points) {
      const row = failedRow(rowCtx(point), f.failureCause, `${f.message}\n${f.logTail}`);
      store.commitPoint([row], []);
      rows.push(row);
      progress.pointEnd({ pointId: point.id, status: "failed", detail: f.failureCause });
    }
    return { failure: f.failureCause, engineS: failedAfter(engine.simulated, f.logTail) ?? wallS(), rows };
  }
  const startupS = simStartupS ?? handle.startupS;
  const served = await servingClock(engine.simulated, handle.spec);
  const kvTokens = kvCapacityTokens(handle.logTail(400));
  try {
    for (const [i, point] of points.entries()) {
      if (ctx.signal.aborted) break;
      if (i > 0) progress.pointStart({ index: ctx.index(point), total: ctx.total, pointId: point.id, label: describe(point) });
      const result = await runPoint(ctx, point, handle.spec, rowCtx(point, startupS), () => handle.logTail());
      if (ctx.signal.aborted) break; // an interrupted point is not recorded: resume runs it again
      store.commitPoint(result.rows, result.requests);
      rows.push(...result.rows);
      progress.pointEnd({ pointId: point.id, status: result.failed ? "failed" : "ok", detail: result.failed ?? requestErrors(result.rows) });
    }
    return { startupS, engineS: startupS + (await served()), kvTokens, rows };
  } finally {
    progress.phase("stopping engine");
    await handle.stop();
    store.redactLog(first.serverId);
  }
}

/** A simulated start's cost before it failed, as the simulator printed it (wall time x K counts process spawning too). */
function failedAfter(simulated: boolean, log: string): number | undefined {
  const m = simulated ? new RegExp(`${SIM_FAILED_AFTER} ([\\d.]+) s`).exec(log) : null;
  return m ? Number(m[1]) : undefined;
}

/** Serving seconds from now on: the simulator's active time (load-independent), else the wall clock. */
async function servingClock(simulated: boolean, spec: LaunchSpec): Promise<() => Promise<number>> {
  const before = simulated ? (await simInfo(spec.baseUrl))?.active_s : undefined;
  const wall = performance.now();
  return async () => {
    const after = before === undefined ? undefined : (await simInfo(spec.baseUrl))?.active_s;
    return after !== undefined && before !== undefined ? after - before : (performance.now() - wall) / 1000;
  };
}

/** Registers the secrets of a rendered launch spec (key flags, secret-named env as written and as expanded). */
function withSecretsKnown(spec: LaunchSpec): LaunchSpec {
  let expanded: Record<string, string> = {};
  try {
    expanded = expandEnv(spec.env);
  } catch {
    // an unset reference fails the launch itself, with its own message
  }
  registerLaunchSecrets(spec.args, spec.env);
  registerLaunchSecrets(spec.args, expanded);
  return spec;
}

async function runPoint(
  ctx: GroupContext, point: Point, spec: LaunchSpec, rowCtx: RowContext, logTail: () => string,
): Promise<{ rows: PointRow[]; requests: PointRow[]; failed?: string }> {
  // The client's key comes from the very spec the engine was started with (its flag, else its variable).
  const engineKey = engineApiKey(spec);
  registerSecret(engineKey);
  let opened;
  try {
    opened = await openPath(rowCtx.path, spec, engineKey);
  } catch (err) {
    return { rows: [failedRow(rowCtx, "suite_error", (err as Error).message)], requests: [], failed: "suite_error" };
  }
  const target: Target = {
    baseUrl: opened.baseUrl, api: opened.api, directUrl: spec.baseUrl, model: spec.servedName, engine: spec.engine,
    capabilities: spec.capabilities, path: rowCtx.path, timeScale: ctx.timeScale,
    apiKey: engineKey, simClock: ctx.engine.simulated && SIM_CLOCK_PATHS.has(rowCtx.path),
  };
  try {
    return await runSuites(ctx, point, target, rowCtx, logTail);
  } finally {
    await opened.close();
  }
}

async function runSuites(
  ctx: GroupContext, point: Point, target: Target, rowCtx: RowContext, logTail: () => string,
): Promise<{ rows: PointRow[]; requests: PointRow[]; failed?: string }> {
  const rows: PointRow[] = [];
  const requests: PointRow[] = [];
  const suiteCtx = { target, repetitions: ctx.grid.repetitions ?? 1, clock: ctx.clock, signal: ctx.signal, onPhase: (p: string) => ctx.progress.phase(p) };
  let failed: string | undefined;
  for (const entry of ctx.grid.suites) {
    const suite = suiteFor(entry.kind);
    // precedence: the point's client-level parameters > the grid's options for this suite > the grid's
    // repetitions > the suite's definition
    const overrides = { ...(ctx.grid.repetitions ? { repetitions: ctx.grid.repetitions } : {}), ...entry.options, ...clientOverrides(suite, point.client) };
    const result = await runSuite(suiteCtx, suite, resolveOptions(suite, overrides, `grid suite '${entry.kind}'`), point, rowCtx, logTail);
    if (ctx.signal.aborted) break;
    rows.push(...result.rows);
    requests.push(...result.requests);
    if (result.failed) failed ??= String(result.rows.find((r) => r.status === "failed")?.failure ?? "suite_error");
  }
  return { rows, requests, failed };
}

function requestErrors(rows: PointRow[]): string | undefined {
  const errors = rows.reduce((n, r) => n + Number(r.errors ?? 0), 0);
  return errors ? `${errors} request errors` : undefined;
}

/** Paths on which the simulator's stamps reach the client (the built-in proxy passes them on; external proxies do not). */
const SIM_CLOCK_PATHS = new Set(["direct", "native", "proxy"]);

/**
 * The simulator's own startup time (simulated, so the same at every time scale). A server that cannot say is
 * not the simulator the lab started: it is stopped and the start fails rather than measuring someone else's.
 */
async function simulatedStartup(handle: EngineHandle): Promise<number> {
  const info = await simInfo(handle.spec.baseUrl);
  if (info) return info.startup_s;
  const tail = handle.logTail();
  await handle.stop();
  throw new StartupFailure("readiness_rejected", tail, `the server on ${handle.spec.baseUrl} is not the simulator the lab started (GET ${SIM_INFO_PATH} has no answer): another process holds the port`);
}

export function describe(point: Point): string {
  return redactText(Object.entries(point.params).map(([k, v]) => `${k}=${v}`).join(" ")) || "(no parameters)";
}
