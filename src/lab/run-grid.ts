import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import pLimit from "p-limit";
import { badInput } from "../errors.ts";
import { expandGrid, groupByServer, type Point } from "../grid/expand.ts";
import type { LoadedGrid } from "../grid/load.ts";
import { isClientParam } from "../grid/params.ts";
import { launcherFor } from "../launchers/registry.ts";
import { monotonicClock } from "../client/types.ts";
import { stopAll } from "../launchers/reaper.ts";
import type { ProgressObserver } from "../progress/observer.ts";
import { MANIFEST_SCHEMA_VERSION, type Manifest, type PointRow } from "../results/columns.ts";
import { gitCommit, hostInfo } from "../results/host.ts";
import { RunStore } from "../results/run-store.ts";
import { labVersion } from "../util/version.ts";
import { packagePath } from "../util/paths.ts";
import { SIM_HARDWARE_ENV } from "../engines/sim.ts";
import { engineVersion, resolveEngine, type EngineOverrides } from "./resolve-engine.ts";
import { runServerGroup } from "./run-group.ts";

export interface GridRunOptions extends EngineOverrides {
  out?: string;
  resume?: string;
  launcher?: string;
  parallel?: number;
  timeScale?: number;
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
  const launcherKind = opts.launcher ?? grid.launcher.kind;
  const launcher = launcherFor(launcherKind);
  const points = expandGrid(grid);
  const outDir = resolve(opts.resume ?? opts.out ?? join("results", grid.name, timestamp()));
  if (opts.resume && !existsSync(join(outDir, "manifest.json"))) throw badInput(`--resume ${opts.resume}: no run there (manifest.json missing)`);
  if (!opts.resume && existsSync(join(outDir, "points.csv"))) {
    throw badInput(`--out ${outDir} already holds a run`, "use --resume to continue it, or choose another --out");
  }
  await launcher.prepare?.({ options: grid.launcher.options, engine: opts.simulate ? "sim" : grid.engine, note: (line) => opts.progress.note(line) });
  const paramNames = Object.keys(grid.matrix);
  const store = new RunStore(outDir, paramNames);
  const done = opts.resume ? resumeCheck(store, loaded) : new Set<string>();
  const engine = await resolveEngine(grid, file, { ...opts, onSetup: (line) => opts.progress.note(line) });
  const timeScale = engine.simulated ? opts.timeScale ?? 1 : 1;
  const manifest: Manifest = opts.resume ? store.readManifest() : {
    schema_version: MANIFEST_SCHEMA_VERSION, lab_version: labVersion(), git_commit: gitCommit(packagePath()),
    grid_name: grid.name, grid_file: file, grid_sha256: loaded.sha256, grid, engine: engine.kind,
    engine_version: await engineVersion(engine, labVersion()),
    engine_binary: engine.simulated ? undefined : engine.binary, model_path: engine.model,
    launcher: launcherKind, simulated: engine.simulated, time_scale: engine.simulated ? timeScale : undefined,
    sim_hardware: engine.simulated ? process.env[SIM_HARDWARE_ENV] ?? "glm-4.7-flash-awq-2x4090" : undefined,
    param_names: paramNames, server_params: paramNames.filter((n) => !isClientParam(n)),
    client_params: paramNames.filter(isClientParam), host: hostInfo(), started_at: new Date().toISOString(),
    points_total: points.length,
  };
  store.writeManifest({ ...manifest, ended_at: undefined });

  const pending = points.filter((p) => !done.has(p.id));
  opts.progress.gridStart({ name: grid.name, points: points.length, skipped: points.length - pending.length });
  const order = new Map<Point, number>(points.map((p, i) => [p, i + 1]));
  const limit = pLimit(opts.parallel ?? grid.launcher.parallel);
  const ctx = {
    grid, engine, launcher, store, progress: opts.progress, clock: monotonicClock(), signal: opts.signal,
    timeScale, index: (p: Point) => order.get(p) ?? 0, total: points.length,
  };
  try {
    await Promise.all(groupByServer(pending).map((group) => limit(() => (opts.signal.aborted ? undefined : runServerGroup(ctx, group)))));
  } finally {
    await stopAll();
  }
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

function resumeCheck(store: RunStore, loaded: LoadedGrid): Set<string> {
  const manifest = store.readManifest();
  if (manifest.grid_sha256 !== loaded.sha256) {
    throw badInput(`--resume ${store.dir}: the grid file changed since that run (${loaded.file})`, "restore it, or start a new run without --resume");
  }
  return store.resume();
}

function timestamp(): string {
  return new Date().toISOString().replace(/[:.]/g, "-").replace(/-\d{3}Z$/, "Z");
}
