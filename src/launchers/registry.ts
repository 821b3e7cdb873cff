import { badInput } from "../errors.ts";
import { LAUNCHER_KINDS } from "./kinds.ts";
import { dockerLauncher } from "./docker.ts";
import { localLauncher } from "./local.ts";
import { slurmLauncher } from "./slurm/launcher.ts";
import type { Launcher } from "./types.ts";

const LAUNCHERS: Partial<Record<(typeof LAUNCHER_KINDS)[number], Launcher>> = {
  local: localLauncher,
  docker: dockerLauncher,
  slurm: slurmLauncher,
};

export function launcherFor(kind: string): Launcher {
  const launcher = LAUNCHERS[kind as keyof typeof LAUNCHERS];
  if (!launcher) throw badInput(`unknown launcher '${kind}'`, `known: ${Object.keys(LAUNCHERS).join(", ")}`);
  return launcher;
}
