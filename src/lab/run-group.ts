import type { Clock } from "../client/types.ts";
import type { Grid } from "../grid/schema.ts";
import type { Point } from "../grid/expand.ts";
import type { EngineHandle, Launcher } from "../launchers/types.ts";
import type { ProgressObserver } from "../progress/observer.ts";
import type { RunStore } from "../results/run-store.ts";
import { redactText } from "../util/secrets.ts";
import type { ResolvedEngine } from "./resolve-engine.ts";
import { startEngine, stillServing } from "./engine-session.ts";
import { runPoint } from "./run-point.ts";
import { failedRow, type RowContext } from "./rows.ts";
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

/**
 * Runs the pending points that share one engine configuration: one engine start, then every client-level
 * variation against it. A start failure fails every point of the group; a suite failure fails only its point.
 * An engine that died, froze or stopped answering during a point is stopped and started again for the next one.
 * The engine's log is scrubbed of secrets once the engine is stopped.
 */
export async function runServerGroup(ctx: GroupContext, points: Point[]): Promise<void> {
  const { grid, engine, progress } = ctx;
  const serverId = points[0].serverId;
  const startedAt = new Date().toISOString();
  const rowCtx = (point: Point, startupS?: number): RowContext => ({
    point, engine: engine.kind, launcher: ctx.launcher.kind, path: String(point.client.path ?? grid.path),
    simulated: engine.simulated, timeScale: ctx.timeScale, startupS, startedAt,
  });
  let handle: EngineHandle | undefined;
  let telemetry: EngineTelemetry | undefined;
  try {
    for (const [i, point] of points.entries()) {
      if (ctx.signal.aborted) return;
      progress.pointStart({ index: ctx.index(point), total: ctx.total, pointId: point.id, label: describe(point) });
      if (handle && !(await stillServing(handle))) {
        progress.phase("the engine stopped answering: restarting it");
        await handle.stop();
        handle = undefined;
      }
      if (!handle) {
        telemetry = ctx.telemetry && new EngineTelemetry(ctx.telemetry, serverId);
        const started = await startEngine(ctx, points[0], telemetry?.sidecar);
        if (ctx.signal.aborted) return;
        if (!started.ok) {
          ctx.store.redactLog(serverId);
          for (const [j, p] of points.slice(i).entries()) {
            if (j > 0) progress.pointStart({ index: ctx.index(p), total: ctx.total, pointId: p.id, label: describe(p) });
            // the samples of a failed start (memory while loading) are kept with its first point
            const samples = j === 0 && telemetry ? telemetry.rows(p.id) : [];
            ctx.store.commitPoint([failedRow(rowCtx(p), started.failure.failureCause, `${started.failure.message}\n${started.failure.logTail}`)], [], samples);
            progress.pointEnd({ pointId: p.id, status: "failed", detail: started.failure.failureCause });
          }
          return;
        }
        handle = started.handle;
      }
      const startupS = engine.simulated ? handle.startupS * ctx.timeScale : handle.startupS;
      const { rows, requests, windows, failed } = await runPoint(ctx, point, handle, rowCtx(point, startupS));
      if (ctx.signal.aborted) return; // an interrupted point is not recorded: resume runs it again
      const t = await telemetry?.collect(point.id, windows);
      ctx.store.commitPoint(t ? withTelemetry(rows, t) : rows, requests, t?.rows ?? []);
      progress.pointEnd({ pointId: point.id, status: rows.some((r) => r.status === "failed") ? "failed" : "ok", detail: failed });
    }
  } finally {
    if (handle) {
      progress.phase("stopping engine");
      await handle.stop();
      ctx.store.redactLog(serverId);
    }
  }
}

export function describe(point: Point): string {
  return redactText(Object.entries(point.params).map(([k, v]) => `${k}=${v}`).join(" ")) || "(no parameters)";
}
