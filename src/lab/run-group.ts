import type { LaunchSpec } from "../engines/types.ts";
import type { Clock } from "../client/types.ts";
import type { Grid } from "../grid/schema.ts";
import type { Point } from "../grid/expand.ts";
import type { Launcher } from "../launchers/types.ts";
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
import { EngineTelemetry, withTelemetry } from "../telemetry/engine-telemetry.ts";
import type { TelemetryRun } from "../telemetry/run.ts";
import type { ScenarioWindow } from "../telemetry/samples.ts";

export interface GroupContext {
  grid: Grid;
  engine: ResolvedEngine;
  launcher: Launcher;
  store: RunStore;
  progress: ProgressObserver;
  clock: Clock;
  signal: AbortSignal;
  timeScale: number;
  /** Resource sampling beside each engine start; undefined when off. */
  telemetry?: TelemetryRun;
  /** Numbering for the progress display. */
  index: (point: Point) => number;
  total: number;
}

/**
 * Runs the pending points that share one engine configuration: one engine start, then every client-level
 * variation against it. A start failure fails every point of the group; a suite failure fails only its point.
 * The engine's log is scrubbed of secrets once the engine is stopped.
 */
export async function runServerGroup(ctx: GroupContext, points: Point[]): Promise<void> {
  const { grid, engine, store, progress } = ctx;
  const first = points[0];
  const startedAt = new Date().toISOString();
  const rowCtx = (point: Point, startupS?: number): RowContext => ({
    point, engine: engine.kind, launcher: ctx.launcher.kind, path: String(point.client.path ?? grid.path),
    simulated: engine.simulated, timeScale: ctx.timeScale, startupS, startedAt,
  });
  progress.pointStart({ index: ctx.index(first), total: ctx.total, pointId: first.id, label: describe(first) });
  const telemetry = ctx.telemetry && new EngineTelemetry(ctx.telemetry, first.serverId);
  let handle;
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
      sidecar: telemetry?.sidecar,
    });
  } catch (err) {
    store.redactLog(first.serverId);
    if (ctx.signal.aborted) return;
    const f = err instanceof StartupFailure ? err : new StartupFailure("crashed", "", (err as Error).message);
    for (const [i, point] of points.entries()) {
      // the samples of a failed start (memory while loading) are kept with its first point
      const samples = i === 0 && telemetry ? telemetry.rows(point.id) : [];
      store.commitPoint([failedRow(rowCtx(point), f.failureCause, `${f.message}\n${f.logTail}`)], [], samples);
      progress.pointEnd({ pointId: point.id, status: "failed", detail: f.failureCause });
    }
    return;
  }
  try {
    for (const [i, point] of points.entries()) {
      if (ctx.signal.aborted) return;
      if (i > 0) progress.pointStart({ index: ctx.index(point), total: ctx.total, pointId: point.id, label: describe(point) });
      const startupS = engine.simulated ? handle.startupS * ctx.timeScale : handle.startupS;
      const { rows, requests, windows, failed } = await runPoint(ctx, point, handle.spec, rowCtx(point, startupS), () => handle.logTail());
      if (ctx.signal.aborted) return; // an interrupted point is not recorded: resume runs it again
      const t = await telemetry?.collect(point.id, windows);
      store.commitPoint(t ? withTelemetry(rows, t) : rows, requests, t?.rows ?? []);
      progress.pointEnd({ pointId: point.id, status: failed ? "failed" : "ok", detail: failed ?? requestErrors(rows) });
    }
  } finally {
    progress.phase("stopping engine");
    await handle.stop();
    store.redactLog(first.serverId);
  }
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

interface PointResult {
  rows: PointRow[];
  requests: PointRow[];
  windows: ScenarioWindow[];
  failed?: string;
}

async function runPoint(
  ctx: GroupContext, point: Point, spec: LaunchSpec, rowCtx: RowContext, logTail: () => string,
): Promise<PointResult> {
  // The client's key comes from the very spec the engine was started with (its flag, else its variable).
  const engineKey = engineApiKey(spec);
  registerSecret(engineKey);
  let opened;
  try {
    opened = await openPath(rowCtx.path, spec, engineKey);
  } catch (err) {
    return { rows: [failedRow(rowCtx, "suite_error", (err as Error).message)], requests: [], windows: [], failed: "suite_error" };
  }
  const target: Target = {
    baseUrl: opened.baseUrl, api: opened.api, directUrl: spec.baseUrl, model: spec.servedName, engine: spec.engine,
    capabilities: spec.capabilities, path: rowCtx.path, timeScale: ctx.timeScale,
    apiKey: engineKey,
  };
  try {
    return await runSuites(ctx, point, target, rowCtx, logTail);
  } finally {
    await opened.close();
  }
}

async function runSuites(
  ctx: GroupContext, point: Point, target: Target, rowCtx: RowContext, logTail: () => string,
): Promise<PointResult> {
  const rows: PointRow[] = [];
  const requests: PointRow[] = [];
  const windows: ScenarioWindow[] = [];
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
    windows.push(...result.windows);
    if (result.failed) failed ??= String(result.rows.find((r) => r.status === "failed")?.failure ?? "suite_error");
  }
  return { rows, requests, windows, failed };
}

function requestErrors(rows: PointRow[]): string | undefined {
  const errors = rows.reduce((n, r) => n + Number(r.errors ?? 0), 0);
  return errors ? `${errors} request errors` : undefined;
}

export function describe(point: Point): string {
  return redactText(Object.entries(point.params).map(([k, v]) => `${k}=${v}`).join(" ")) || "(no parameters)";
}
