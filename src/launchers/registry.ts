import { badInput } from "../errors.ts";
import { dockerLauncher } from "./docker.ts";
import { localLauncher } from "./local.ts";
import { slurmLauncher } from "./slurm/launcher.ts";
import type { Launcher } from "./types.ts";

/** Every launcher, keyed on kind: adding one is its file plus one line here. */
const LAUNCHERS = {
  local: localLauncher,
  docker: dockerLauncher,
  slurm: slurmLauncher,
} satisfies Record<string, Launcher>;

export type LauncherKind = keyof typeof LAUNCHERS;

export function launcherKinds(): LauncherKind[] {
  return Object.keys(LAUNCHERS) as LauncherKind[];
}

export function launcherFor(kind: string, where = "launcher"): Launcher {
  const launcher = LAUNCHERS[kind as LauncherKind];
  if (!launcher) throw badInput(`${where}: unknown launcher '${kind}'`, `known: ${launcherKinds().join(", ")}`);
  return launcher;
}
