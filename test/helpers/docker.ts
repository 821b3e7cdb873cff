import { execa } from "execa";

/** A compose CLI the docker tests run: the v2 plugin (found through DOCKER_CONFIG) or Debian's docker-compose v1. */
export interface ComposeCliUnderTest {
  name: "v1" | "v2";
  /** DOCKER_CONFIG for this CLI: the folder holding cli-plugins/docker-compose for v2, an empty one for v1. */
  dockerConfig: string;
}

export function composeCliEnv(cli: ComposeCliUnderTest): Record<string, string> {
  return { DOCKER_CONFIG: cli.dockerConfig };
}

export async function docker(args: string[], env: Record<string, string> = {}) {
  return execa("docker", args, { all: true, env });
}

export async function dockerLines(args: string[], env: Record<string, string> = {}): Promise<string[]> {
  const r = await execa("docker", args, { all: false, env, reject: false });
  return r.stdout.split("\n").map((l) => l.trim()).filter(Boolean);
}

/** Everything `tunelab-*` the engine still holds: containers, networks, and compose projects (`docker compose ls`, where the v2 plugin is). */
export async function leftovers(v2Config?: string): Promise<string[]> {
  const projects = await dockerLines(["ps", "-a", "--filter", "label=com.docker.compose.project", "--format", `container {{.Names}} {{.Label "com.docker.compose.project"}}`]);
  const networks = await dockerLines(["network", "ls", "--format", "network {{.Name}}"]);
  const listed = v2Config ? (JSON.parse((await dockerLines(["compose", "ls", "-a", "--format", "json"], { DOCKER_CONFIG: v2Config })).join("") || "[]") as { Name: string }[]).map((p) => p.Name) : [];
  return [...projects.filter((l) => l.split(" ")[2]?.startsWith("tunelab-")), ...networks.filter((l) => l.startsWith("network tunelab-")), ...listed.filter((n) => n.startsWith("tunelab-")).map((n) => `project ${n}`)];
}

/** Polls until `probe` returns a value (or the time is up: undefined). */
export async function waitFor<T>(timeoutMs: number, probe: () => Promise<T | undefined>, intervalMs = 250): Promise<T | undefined> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  return undefined;
}
