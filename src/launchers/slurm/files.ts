import { randomInt } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";

/** Where a server's job keeps its files: next to the run's logs, under `<run dir>/slurm/`. */
export function slurmPaths(runDir: string, serverId: string, gridName: string) {
  const dir = join(runDir, "slurm");
  return {
    runDir, serverId, gridName, dir,
    connection: join(dir, `${serverId}.json`),
    job: join(dir, `${serverId}.job`),
    script: join(dir, `${serverId}.sbatch`),
    tunnelLog: join(dir, `${serverId}.tunnel.log`),
    alive: join(dir, `${serverId}.alive`),
  };
}
export type SlurmPaths = ReturnType<typeof slurmPaths>;

export interface Connection {
  job_id: string;
  host: string;
  node: string;
  port: number;
}

/** The connection file the batch script writes once the engine is started, if it is there and for this job. */
export function readConnection(file: string, jobId: string): Connection | undefined {
  const c = readJson(file) as Partial<Connection> | undefined;
  return c && String(c.job_id) === jobId && typeof c.host === "string" && typeof c.port === "number" ? (c as Connection) : undefined;
}

export function readJobId(file: string): string | undefined {
  try {
    return readFileSync(file, "utf8").trim() || undefined;
  } catch {
    return undefined;
  }
}

/** `tunelab-<grid>-<server_id>`. */
export function jobName(p: SlurmPaths): string {
  const grid = p.gridName.replace(/[^A-Za-z0-9._-]/g, "_");
  return `tunelab-${grid}-${p.serverId}`;
}

/** Ports the script may choose from on the node (distinct, outside the usual ephemeral range). */
export function candidatePorts(count = 4): number[] {
  const ports = new Set<number>();
  while (ports.size < count) ports.add(randomInt(20000, 32000));
  return [...ports];
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, "utf8"));
  } catch {
    return undefined;
  }
}
