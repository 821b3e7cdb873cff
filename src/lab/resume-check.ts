import { badInput } from "../errors.ts";
import type { LoadedGrid } from "../grid/load.ts";
import { MANIFEST_SCHEMA_VERSION, type Manifest } from "../results/columns.ts";

/** The settings of a run that must match for `--resume` to add rows to it (undefined: not known yet, not checked). */
export interface RunSettings {
  simulated?: boolean;
  timeScale?: number;
  hardware?: string;
  model?: string;
  binary?: string;
  launcher?: string;
  labVersion?: string;
}

const major = (version: string | undefined) => version?.split(".")[0];
const show = (v: unknown) => (v === undefined ? "none" : v === true ? "on" : v === false ? "off" : String(v));

/**
 * Refuses to resume a run whose rows would not mix with the new ones: another grid file, or another
 * `--simulate`, `--time-scale`, `--hardware`, `--model`, `--binary`, `--launcher`, lab major version or CSV
 * schema. Every difference is named, with the run's value and the one given now.
 */
export function checkResume(dir: string, manifest: Manifest, loaded: LoadedGrid, now: RunSettings): void {
  if (manifest.grid_sha256 !== loaded.sha256) {
    throw badInput(`--resume ${dir}: the grid file changed since that run (${loaded.file})`, "restore it, or start a new run without --resume");
  }
  const differences: string[] = [];
  const compare = (flag: string, then: unknown, current: unknown) => {
    if (current !== undefined && then !== current) differences.push(`${flag} ${show(then)} (now ${show(current)})`);
  };
  compare("--simulate", manifest.simulated, now.simulated);
  if (manifest.simulated && now.simulated) {
    compare("--time-scale", manifest.time_scale, now.timeScale);
    compare("--hardware", manifest.sim_hardware, now.hardware);
  }
  compare("--model", manifest.model_path, now.model);
  if (!manifest.simulated && !now.simulated) compare("--binary", manifest.engine_binary, now.binary);
  compare("--launcher", manifest.launcher, now.launcher);
  compare("lab major version", major(manifest.lab_version), major(now.labVersion));
  compare("CSV schema", manifest.schema_version, now.labVersion === undefined ? undefined : MANIFEST_SCHEMA_VERSION);
  if (differences.length) {
    throw badInput(`--resume ${dir}: that run used other settings: ${differences.join(", ")}`, "resume with the run's settings, or start a new run without --resume");
  }
}
