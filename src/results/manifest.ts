import { existsSync, readFileSync } from "node:fs";
import { badInput } from "../errors.ts";
import { isClientParam } from "../grid/params.ts";
import { labVersion } from "../util/version.ts";
import { packagePath } from "../util/paths.ts";
import { redactGrid } from "../util/secrets.ts";
import { MANIFEST_SCHEMA_VERSION, ManifestSchema, type Manifest } from "./columns.ts";
import { gitCommit, hostInfo } from "./host.ts";

export interface ManifestInput {
  gridName: string;
  /** The grid file, or for `bench run` the server's URL. */
  gridFile: string;
  gridSha256: string;
  /** What the run was told to do (a grid, or `bench run`'s description); stored with secrets redacted. */
  grid: Record<string, unknown>;
  engine: string;
  engineVersion?: string;
  engineBinary?: string;
  modelPath?: string;
  launcher: string;
  simulation?: { timeScale: number; hardware: string };
  paramNames: string[];
  pointsTotal: number;
}

/** The one manifest builder of `bench grid` and `bench run`: what ran, where, with what, and since when. */
export function buildManifest(m: ManifestInput): Manifest {
  return {
    schema_version: MANIFEST_SCHEMA_VERSION, lab_version: labVersion(), git_commit: gitCommit(packagePath()),
    grid_name: m.gridName, grid_file: m.gridFile, grid_sha256: m.gridSha256, grid: redactGrid(m.grid),
    engine: m.engine, engine_version: m.engineVersion, engine_binary: m.engineBinary, model_path: m.modelPath,
    launcher: m.launcher, simulated: m.simulation !== undefined, time_scale: m.simulation?.timeScale, sim_hardware: m.simulation?.hardware,
    param_names: m.paramNames, server_params: m.paramNames.filter((n) => !isClientParam(n)), client_params: m.paramNames.filter(isClientParam),
    host: hostInfo(), started_at: new Date().toISOString(), points_total: m.pointsTotal,
  };
}

/** Reads a run's manifest.json for resuming; an old or hand-edited one is a one-line error, not a schema dump. */
export function readManifest(file: string): Manifest {
  if (!existsSync(file)) throw badInput(`${file}: no manifest`, "is this a run directory written by `bench grid`?");
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, "utf8"));
  } catch {
    throw badInput(`${file}: not valid JSON`, "restore the manifest `bench grid` wrote, or start a new run");
  }
  const parsed = ManifestSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw badInput(`${file}: not a manifest this lab can resume (field '${issue.path.join(".") || "(top level)"}': ${issue.message})`, "it was written by another lab version or edited; start a new run");
  }
  return parsed.data;
}
