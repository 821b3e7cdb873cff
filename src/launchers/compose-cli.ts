import { badInput } from "../errors.ts";
import type { CommandRunner } from "./commands.ts";

/** How to run Docker Compose here: the v2 plugin (`docker compose`) or the v1 CLI (`docker-compose`). */
export interface ComposeCli {
  command: string;
  /** Arguments before compose's own (`compose` for the plugin). */
  prefix: string[];
  /** What `version --short` printed, e.g. "2.40.3" or "1.29.2". */
  version: string;
}

export const COMPOSE_INSTALL_HINT =
  "install the Compose plugin (`docker compose`: package docker-compose-plugin from Docker's apt repository) or the v1 CLI (`apt-get install docker-compose`)";

const CANDIDATES: Array<Omit<ComposeCli, "version">> = [
  { command: "docker", prefix: ["compose"] },
  { command: "docker-compose", prefix: [] },
];

/** The first compose CLI that answers `version`, the v2 plugin first; none is bad input (exit 2). */
export async function detectComposeCli(runner: CommandRunner): Promise<ComposeCli> {
  for (const cli of CANDIDATES) {
    const r = await runner.run(cli.command, [...cli.prefix, "version", "--short"], { timeoutMs: 20_000 });
    if (r.exitCode === 0) return { ...cli, version: r.stdout.trim().replace(/^v/, "") };
  }
  throw badInput("the docker launcher needs Docker Compose, but neither `docker compose` (v2) nor `docker-compose` (v1) runs", COMPOSE_INSTALL_HINT);
}

export function composeName(cli: ComposeCli): string {
  return `${[cli.command, ...cli.prefix].join(" ")} ${cli.version}`;
}
