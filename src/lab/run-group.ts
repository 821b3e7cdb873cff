import type { FailureCause, LaunchSpec } from "../engines/types.ts";
import { kvCapacityTokens } from "../engines/startup-facts.ts";
import type { Clock } from "../client/types.ts";
import type { Grid } from "../grid/schema.ts";
import type { Point } from "../grid/expand.ts";
import type { EngineHandle, Launcher } from "../launchers/types.ts";
import type { ProgressObserver } from "../progress/observer.ts";
import type { PointRow } from "../results/columns.ts";
import type { RunStore } from "../results/run-store.ts";
import { redactText } from "../util/secrets.ts";
import type { ResolvedEngine } from "./resolve-engine.ts";
import { engineApiKey } from "../engines/api-key.ts";
import { startEngine, stillServing } from "./engine-session.ts";
import { Fronts } from "./fronts.ts";
import { withProbedCapabilities } from "./probe-server.ts";
import { runPoint } from "./run-point.ts";
import { failedRow, type RowContext } from "./rows.ts";
import { simInfo } from "../client/sim-clock.ts";
import { SIM_FAILED_AFTER } from "../util/sim-clock-protocol.ts";
import { EngineTelemetry, withTelemetry } from "../telemetry/engine-telemetry.ts";
import type { TelemetryRun } from "../telemetry/run.ts";

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

/** What the group's engine starts cost and showed (the tuner's accounting; `bench grid` ignores it). */
export interface GroupOutcome {
  failure?: FailureCause;
  /** Seconds from launch to ready of the first start (simulated seconds on the simulator). */
  startupS?: number;
  /** Engine-seconds: startups plus serving time, in real-time equivalents on the simulator. */
  engineS: number;
  /** KV capacity the engine reported at startup, in tokens. */
  kvTokens?: number;
  rows: PointRow[];
}

/**
 * Runs the pending points that share one engine configuration: one engine start, then every client-level
 * variation against it. A start failure fails every point of the group; a suite failure fails only its point.
 * An engine that died, froze or stopped answering during a point is stopped and started again for the next one.
 * The proxies started in front of an engine (`fronts`) live and die with that engine start. The engine's and
 * the proxies' logs are scrubbed of secrets once they are stopped.
 */
export async function runServerGroup(ctx: GroupContext, points: Point[]): Promise<GroupOutcome> {
  const { grid, engine, progress } = ctx;
  const serverId = points[0].serverId;
  const startedAt = new Date().toISOString();
  const rowCtx = (point: Point, startupS?: number): RowContext => ({
    point, engine: engine.kind, launcher: ctx.launcher.kind, path: String(point.client.path ?? grid.path),
    simulated: engine.simulated, timeScale: ctx.timeScale, startupS, startedAt,
  });
  const rows: PointRow[] = [];
  const outcome: GroupOutcome = { engineS: 0, rows };
  let handle: EngineHandle | undefined;
  let served: (() => Promise<number>) | undefined;
  let startupS = 0;
  let telemetry: EngineTelemetry | undefined;
  let fronts: Fronts | undefined;
  const stopEngine = async () => {
    if (!handle) return;
    if (served) outcome.engineS += await served();
    served = undefined;
    for (const kind of (await fronts?.closeAll()) ?? []) ctx.store.redactLog(fronts!.logId(kind));
    fronts = undefined;
    await handle.stop();
    handle = undefined;
  };
  try {
    for (const [i, point] of points.entries()) {
      if (ctx.signal.aborted) return outcome;
      progress.pointStart({ index: ctx.index(point), total: ctx.total, pointId: point.id, label: describe(point) });
      if (handle && !(await stillServing(handle))) {
        progress.phase("the engine stopped answering: restarting it");
        await stopEngine();
      }
      if (!handle) {
        telemetry = ctx.telemetry && new EngineTelemetry(ctx.telemetry, serverId);
        const wallStart = performance.now();
        const started = await startEngine(ctx, points[0], telemetry?.sidecar);
        if (ctx.signal.aborted) return outcome;
        if (!started.ok) {
          ctx.store.redactLog(serverId);
          const f = started.failure;
          const wallS = ((performance.now() - wallStart) / 1000) * (engine.simulated ? ctx.timeScale : 1);
          outcome.failure = f.failureCause;
          outcome.engineS += failedAfter(engine.simulated, f.logTail) ?? wallS;
          for (const [j, p] of points.slice(i).entries()) {
            if (j > 0) progress.pointStart({ index: ctx.index(p), total: ctx.total, pointId: p.id, label: describe(p) });
            // the samples of a failed start (memory while loading) are kept with its first point
            const samples = j === 0 && telemetry ? telemetry.rows(p.id) : [];
            const row = failedRow(rowCtx(p), f.failureCause, `${f.message}\n${f.logTail}`);
            ctx.store.commitPoint([row], [], samples);
            rows.push(row);
            progress.pointEnd({ pointId: p.id, status: "failed", detail: f.failureCause });
          }
          return outcome;
        }
        // a generic engine's abilities are known once it runs: probed here, for every point of this start
        handle = { ...started.handle, spec: await withProbedCapabilities(started.handle.spec, engineApiKey(started.handle.spec)) };
        startupS = started.startupS;
        outcome.startupS ??= startupS;
        outcome.engineS += startupS;
        outcome.kvTokens ??= kvCapacityTokens(handle.logTail(400));
        served = await servingClock(engine.simulated, handle.spec);
        fronts = new Fronts({
          upstream: handle.spec.baseUrl, model: handle.spec.servedName, upstreamKey: engineApiKey(handle.spec),
          runDir: ctx.store.dir, id: serverId, startupTimeoutMs: grid.launcher.startup_timeout_s * 1000, signal: ctx.signal,
        });
      }
      const result = await runPoint(ctx, point, handle, fronts!, rowCtx(point, startupS));
      if (ctx.signal.aborted) return outcome; // an interrupted point is not recorded: resume runs it again
      const t = await telemetry?.collect(point.id, result.windows);
      const committed = t ? withTelemetry(result.rows, t) : result.rows;
      ctx.store.commitPoint(committed, result.requests, t?.rows ?? []);
      rows.push(...committed);
      progress.pointEnd({ pointId: point.id, status: result.rows.some((r) => r.status === "failed") ? "failed" : "ok", detail: result.failed });
    }
    return outcome;
  } finally {
    if (handle) {
      progress.phase("stopping engine");
      await stopEngine();
      ctx.store.redactLog(serverId);
    }
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

export function describe(point: Point): string {
  return redactText(Object.entries(point.params).map(([k, v]) => `${k}=${v}`).join(" ")) || "(no parameters)";
}
