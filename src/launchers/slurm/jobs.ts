import type { CommandRunner } from "../commands.ts";

export interface JobState {
  /** SLURM state name: PENDING, RUNNING, FAILED, NODE_FAIL, ... */
  state: string;
  /** squeue's reason (why PENDING, or why it ended). */
  reason: string;
  node: string;
  /** `code:signal` when the job ended, if SLURM says. */
  exitCode?: string;
}

const ACTIVE = new Set(["PENDING", "CONFIGURING", "RUNNING", "COMPLETING", "SUSPENDED", "REQUEUED", "REQUEUE_HOLD", "REQUEUE_FED", "RESIZING", "SIGNALING", "STAGE_OUT", "RESV_DEL_HOLD"]);

export function isActive(state: JobState | undefined): boolean {
  return !!state && ACTIVE.has(state.state);
}

/**
 * Where a job stands: squeue (recently ended jobs included), then `scontrol show job`, then sacct (which
 * needs accounting). Undefined when no source knows the job any more.
 */
export async function jobState(runner: CommandRunner, jobId: string): Promise<JobState | undefined> {
  const q = await runner.run("squeue", ["-h", "-j", jobId, "--states=all", "-o", "%T|%r|%N"]);
  const line = q.exitCode === 0 ? q.stdout.trim().split("\n")[0] : "";
  if (line) {
    const [state, reason = "", node = ""] = line.split("|");
    if (ACTIVE.has(state)) return { state, reason, node };
  }
  const s = await runner.run("scontrol", ["show", "job", "-o", jobId]);
  if (s.exitCode === 0 && /JobState=/.test(s.stdout)) {
    const field = (name: string) => new RegExp(`(?:^|\\s)${name}=(\\S*)`).exec(s.stdout)?.[1] ?? "";
    return { state: field("JobState"), reason: field("Reason"), node: field("NodeList"), exitCode: field("ExitCode") || undefined };
  }
  const a = await runner.run("sacct", ["-n", "-X", "-P", "-j", jobId, "-o", "State,Reason,NodeList,ExitCode"]);
  const row = a.exitCode === 0 ? a.stdout.trim().split("\n")[0] : "";
  if (row) {
    const [state, reason = "", node = "", exitCode] = row.split("|");
    return { state: state.split(" ")[0], reason, node, exitCode };
  }
  if (line) {
    const [state, reason = "", node = ""] = line.split("|");
    return { state, reason, node };
  }
  return undefined;
}

/** True once the job no longer shows in a default squeue listing (pending, running or completing). */
export async function leftQueue(runner: CommandRunner, jobId: string): Promise<boolean> {
  const q = await runner.run("squeue", ["-h", "-j", jobId, "-o", "%T"]);
  // an unknown (purged) job id makes squeue fail: gone as well
  return q.exitCode !== 0 || q.stdout.trim() === "";
}

/** scancel, then wait until the job has left squeue. Returns false if it was still listed at the deadline. */
export async function cancelJob(runner: CommandRunner, jobId: string, timeoutMs: number, pollMs = 500): Promise<boolean> {
  await runner.run("scancel", [jobId]);
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await leftQueue(runner, jobId)) return true;
    await new Promise((r) => setTimeout(r, pollMs));
  }
  return leftQueue(runner, jobId);
}

/** Exit status from SLURM's `code:signal`. */
export function exitStatus(exitCode: string | undefined): { code: number | null; signal: string | null } {
  const [code, signal] = (exitCode ?? "").split(":").map(Number);
  return { code: Number.isFinite(code) ? code : null, signal: signal ? String(signal) : null };
}
