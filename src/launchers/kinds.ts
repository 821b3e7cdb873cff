/** Launcher kinds known to grids; each kind is one file in this folder, registered in registry.ts. */
export const LAUNCHER_KINDS = ["local", "docker", "slurm"] as const;

export function launcherKinds(): string[] {
  return [...LAUNCHER_KINDS];
}
