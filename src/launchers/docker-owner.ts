import { readFileSync } from "node:fs";
import { hostname } from "node:os";
import type { CommandRunner } from "./commands.ts";

/**
 * Who owns a compose project: labels on its container and network naming this bench process (pid, host, and
 * the process's start time, so a reused pid is not mistaken for the owner). A bench killed with SIGKILL
 * leaves its project behind only if its watchdog died too; the next docker run sweeps such orphans.
 */
export const OWNER = { pid: "tunelab.owner.pid", host: "tunelab.owner.host", started: "tunelab.owner.started", run: "tunelab.run_dir" } as const;

/** A process's start time in clock ticks since boot (/proc/PID/stat field 22), "" where there is no /proc. */
export function processStart(pid: number): string {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19] ?? "";
  } catch {
    return "";
  }
}

export function ownerLabels(runDir: string): Record<string, string> {
  return { [OWNER.pid]: String(process.pid), [OWNER.host]: hostname(), [OWNER.started]: processStart(process.pid), [OWNER.run]: runDir };
}

/** True when the process the labels name has ended (or its pid now belongs to a later process). */
export function ownerGone(pid: number, started: string): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "ESRCH";
  }
  const now = processStart(pid);
  return started !== "" && now !== "" && now !== started;
}

interface Owned {
  id: string;
  project: string;
  pid: number;
  host: string;
  started: string;
  run: string;
}

const FORMAT = ["{{.ID}}", `{{.Label "com.docker.compose.project"}}`, ...Object.values(OWNER).map((l) => `{{.Label "${l}"}}`)].join("\t");

async function owned(runner: CommandRunner, list: string[]): Promise<Owned[]> {
  const r = await runner.run("docker", [...list, "--filter", `label=${OWNER.pid}`, "--format", FORMAT], { timeoutMs: 30_000 });
  if (r.exitCode !== 0) return [];
  return r.stdout.split("\n").filter(Boolean).map((line) => {
    const [id, project, pid, host, started, run] = line.split("\t");
    return { id, project, pid: Number(pid), host, started: started ?? "", run: run ?? "" };
  });
}

/**
 * Removes every `tunelab-*` project on this host whose owning bench is gone (containers, then networks) and
 * returns one warning line per project removed. Projects of live bench processes, or of other hosts sharing
 * the engine, are left alone.
 */
export async function sweepOrphans(runner: CommandRunner): Promise<string[]> {
  const containers = await owned(runner, ["ps", "-a"]);
  const networks = await owned(runner, ["network", "ls"]);
  const orphan = (o: Owned) => o.project.startsWith("tunelab-") && o.host === hostname() && ownerGone(o.pid, o.started);
  const projects = new Map<string, Owned>();
  for (const o of [...containers, ...networks]) if (orphan(o)) projects.set(o.project, o);
  const warnings: string[] = [];
  for (const [project, o] of projects) {
    const ids = containers.filter((c) => c.project === project).map((c) => c.id);
    if (ids.length) await runner.run("docker", ["rm", "-f", "-v", ...ids], { timeoutMs: 60_000 });
    const nets = networks.filter((n) => n.project === project).map((n) => n.id);
    if (nets.length) await runner.run("docker", ["network", "rm", ...nets], { timeoutMs: 60_000 });
    warnings.push(`warning: removed leftover docker project ${project} (its bench, pid ${o.pid}, is gone${o.run ? `; run ${o.run}` : ""})`);
  }
  return warnings;
}
