import { setMaxListeners } from "node:events";
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import pLimit from "p-limit";
import { badInput } from "../errors.ts";
import { expandGrid, groupByServer, type Point } from "../grid/expand.ts";
import type { LoadedGrid } from "../grid/load.ts";
import { launcherFor } from "../launchers/registry.ts";
import { monotonicClock } from "../client/types.ts";
import { stopAll } from "../launchers/reaper.ts";
import type { ProgressObserver } from "../progress/observer.ts";
import type { PointRow } from "../results/columns.ts";
import { buildManifest, readManifest } from "../results/manifest.ts";
import { RunStore } from "../results/run-store.ts";
import { labVersion } from "../util/version.ts";
import { registerTree } from "../util/secrets.ts";
import { engineVersion, resolveEngine, type EngineOverrides } from "./resolve-engine.ts";
import { measuredColumns } from "./measured-columns.ts";
import { checkResume } from "./resume-check.ts";
import { runServerGroup } from "./run-group.ts";
import { telemetryRun } from "../telemetry/run.ts";

export interface GridRunOptions extends EngineOverrides {
  out?: string;
  resume?: string;
  launcher?: string;
  parallel?: number;
  progress: ProgressObserver;
  signal: AbortSignal;
}

export interface GridRunResult {
  outDir: string;
  rows: PointRow[];
  ok: number;
  failed: number;
  skipped: number;
  interrupted: boolean;
}

/** `bench grid`: every point of the grid, engines started once per server-level configuration, rows flushed per point. */
export async function runGrid(loaded: LoadedGrid, opts: GridRunOptions): Promise<GridRunResult> {
  const { grid, file } = loaded;
  registerTree(grid);
  const launcherKind = opts.launcher ?? grid.launcher.kind;
  const launcher = launcherFor(launcherKind, opts.launcher ? `--launcher ${opts.launcher}` : `${file}: field 'launcher.kind'`);
  const points = expandGrid(grid);
  const outDir = resolve(opts.resume ?? opts.out ?? join("results", grid.name, timestamp()));
  if (!opts.resume && existsSync(join(outDir, "points.csv"))) {
    throw badInput(`--out ${outDir} already holds a run`, "use --resume to continue it, or choose another --out");
  }
  const previous = opts.resume ? readManifest(join(outDir, "manifest.json")) : undefined;
  const timeScale = opts.simulate ? opts.timeScale ?? 1 : undefined;
  if (previous) {
    checkResume(outDir, previous, loaded, {
      simulated: !!opts.simulate, timeScale, launcher: launcherKind, labVersion: labVersion(),
    });
  }
  await launcher.prepare?.({ options: grid.launcher.options, engine: opts.simulate ? "sim" : grid.engine, note: (line) => opts.progress.note(line) });
  const engine = await resolveEngine(grid, file, { ...opts, onSetup: (line) => opts.progress.note(line) });
  if (previous) checkResume(outDir, previous, loaded, { simulated: engine.simulated, hardware: engine.simulation?.hardware, model: engine.model, binary: engine.simulated ? undefined : engine.binary });
  const paramNames = Object.keys(grid.matrix);
  const store = new RunStore(outDir, paramNames, measuredColumns());
  const done = previous ? store.resume() : new Set<string>();
  const manifest = previous ?? buildManifest({
    gridName: grid.name, gridFile: file, gridSha256: loaded.sha256, grid, engine: engine.kind,
    engineVersion: await engineVersion(engine), engineBinary: engine.simulated ? undefined : engine.binary,
    modelPath: engine.model, launcher: launcherKind, simulation: engine.simulation, paramNames, pointsTotal: points.length,
  });
  store.writeManifest({ ...manifest, ended_at: undefined });

  const pending = points.filter((p) => !done.has(p.id));
  opts.progress.gridStart({ name: grid.name, points: points.length, skipped: points.length - pending.length });
  const order = new Map<Point, number>(points.map((p, i) => [p, i + 1]));
  const limit = pLimit(opts.parallel ?? grid.launcher.parallel);
  // A group that throws unexpectedly stops the run: queued groups never start an engine, running ones stop.
  const stopping = new AbortController();
  const signal = AbortSignal.any([opts.signal, stopping.signal]);
  setMaxListeners(0, signal); // one listener per request in flight (capacity probes run many)
  const clock = monotonicClock();
  const telemetry = telemetryRun({
    config: grid.telemetry, launcher, simulated: engine.simulated, runDir: outDir, clock, warn: (line) => opts.progress.note(line),
  });
  const ctx = {
    grid, engine, launcher, store, progress: opts.progress, clock, signal, telemetry,
    timeScale: engine.simulation?.timeScale ?? 1, index: (p: Point) => order.get(p) ?? 0, total: points.length,
  };
  let thrown: { error: unknown } | undefined;
  const runGroup = async (group: Point[]) => {
    if (signal.aborted) return;
    try {
      await runServerGroup(ctx, group);
    } catch (error) {
      thrown ??= { error };
      stopping.abort(); // queued groups see it before they start (clearQueue would leave their promises pending)
    }
  };
  try {
    await Promise.all(groupByServer(pending).map((group) => limit(() => runGroup(group))));
  } finally {
    await stopAll();
  }
  if (thrown) throw thrown.error;
  const rows = store.allRows();
  const finished = new Set(rows.map((r) => String(r.point_id)));
  const failedIds = new Set(rows.filter((r) => r.status === "failed").map((r) => String(r.point_id)));
  const interrupted = opts.signal.aborted;
  if (!interrupted) store.writeManifest({ ...manifest, ended_at: new Date().toISOString() });
  const result = {
    outDir, rows, interrupted, failed: failedIds.size, ok: finished.size - failedIds.size,
    skipped: points.length - finished.size,
  };
  opts.progress.gridEnd({ ok: result.ok, failed: result.failed, skipped: result.skipped, outDir });
  return result;
}

function timestamp(): string {
  return new Date().toISOString().replace(/[:.]/g, "-").replace(/-\d{3}Z$/, "Z");
}
