import { cpus, hostname, totalmem } from "node:os";
import { execaSync } from "execa";

/** What the run ran on, for the manifest: CPU, memory and GPUs (from nvidia-smi when present). */
export function hostInfo(): { hostname: string; cpu: string; cores: number; memory_gib: number; gpus: string[] } {
  let gpus: string[] = [];
  try {
    const out = execaSync("nvidia-smi", ["--query-gpu=name,memory.total", "--format=csv,noheader"], { reject: false, timeout: 5000 });
    if (out.exitCode === 0) gpus = String(out.stdout).split("\n").filter(Boolean);
  } catch {
    gpus = [];
  }
  return {
    hostname: hostname(),
    cpu: cpus()[0]?.model ?? "unknown",
    cores: cpus().length,
    memory_gib: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    gpus,
  };
}

export function gitCommit(cwd: string): string | undefined {
  try {
    const out = execaSync("git", ["rev-parse", "HEAD"], { cwd, reject: false });
    return out.exitCode === 0 ? String(out.stdout).trim() : undefined;
  } catch {
    return undefined;
  }
}
