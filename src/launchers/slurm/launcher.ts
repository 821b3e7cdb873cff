import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { expandEnv } from "../../util/env.ts";
import { systemRunner, type CommandRunner } from "../commands.ts";
import { tailOf } from "../log-tail.ts";
import { waitReady } from "../readiness.ts";
import { track } from "../reaper.ts";
import { candidatePorts, jobName, readConnection, readJobId, slurmPaths, type Connection, type SlurmPaths } from "./files.ts";
import { cancelJob, exitStatus, isActive, jobState, type JobState } from "./jobs.ts";
import { parseSlurmOptions, type SlurmOptions } from "./options.ts";
import { NO_FREE_PORT_EXIT, renderBatchScript, sbatchArgs } from "./script.ts";
import { openTunnel, type Tunnel } from "./tunnel.ts";
import { checkInput, failStartup, readLog } from "../startup-failure.ts";
import { StartupFailure, type EngineHandle, type Launcher, type LaunchRequest } from "../types.ts";
import { watchJob, type JobWatch } from "./watch.ts";
import { startHeartbeat } from "./heartbeat.ts";
import { waitPortFree } from "../ports.ts";

/**
 * One SLURM batch job per engine: the job starts the engine on its node and writes a connection file; the lab
 * waits for it, measures over the cluster network (or an SSH tunnel), then cancels the job and confirms it
 * left the queue. `runner` is injectable so tests can run without a cluster.
 */
export function createSlurmLauncher(runner: CommandRunner = systemRunner): Launcher {
  return { kind: "slurm", sidecars: true, start: (req) => startJob(runner, req) };
}

export const slurmLauncher = createSlurmLauncher();

async function startJob(runner: CommandRunner, req: LaunchRequest): Promise<EngineHandle> {
  const o = checkInput(() => parseSlurmOptions(req.options));
  const p = slurmPaths(req.runDir, req.serverId, req.gridName);
  mkdirSync(p.dir, { recursive: true });
  mkdirSync(dirname(req.logFile), { recursive: true });
  // beating before the job starts: its engine lives only as long as the beats go on
  const heartbeat = startHeartbeat(p.alive, o.heartbeat_timeout_s);
  let jobId: string;
  try {
    jobId = (await reattach(runner, p, req.onPhase)) ?? (await submit(runner, req, o, p));
  } catch (err) {
    heartbeat.stop();
    throw err;
  }
  const watch = watchJob(runner, jobId, o.poll_s * 1000);
  let tunnel: Tunnel | undefined;
  let node: Connection | undefined;
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      watch.stop();
      tunnel?.stop();
      heartbeat.stop();
      const gone = await cancelJob(runner, jobId, Math.max(req.stopTimeoutMs, 5000) + 30_000);
      rmSync(p.connection, { force: true });
      rmSync(p.job, { force: true });
      untrack();
      if (!gone) process.stderr.write(`warning: slurm job ${jobId} still listed by squeue after scancel\n`);
      // the engine's port on its node, checked from here (through a tunnel the node's port is not reachable)
      else if (node && !o.tunnel && !(await waitPortFree(node.host, node.port, 10_000))) {
        process.stderr.write(`warning: ${node.host}:${node.port} still accepts connections after slurm job ${jobId} ended\n`);
      }
    })());
  const untrack = track({ sync: () => runner.runSync("scancel", [jobId]), async: stop });
  try {
    if (req.signal?.aborted) throw failStartup(req, "aborted");
    const { conn, runningSince } = await waitConnection(req, o, p, jobId, watch);
    node = conn;
    if (o.tunnel) tunnel = await openTunnel(runner, o.tunnel, conn, p.tunnelLog);
    const spec = tunnel ? req.render("127.0.0.1", tunnel.localPort) : req.render(conn.host, conn.port);
    req.onPhase?.("loading");
    const timeoutMs = Math.max(0, req.startupTimeoutMs - (Date.now() - runningSince));
    const outcome = await waitReady(spec, { timeoutMs, exited: watch.ended, signal: req.signal, intervalMs: 500 });
    if (outcome === "exited") throw endedFailure(req, jobId, await watch.ended);
    if (outcome !== "ready") throw failStartup(req, outcome);
    const exited = watch.ended.then((s) => exitStatus(s?.exitCode));
    const logTail = (lines = 40) => tailOf(readLog(req.logFile), lines);
    return { spec, startupS: (Date.now() - runningSince) / 1000, exited, stop, logTail };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** On --resume: a job of an earlier run whose engine is up is used again; any other leftover job is cancelled. */
async function reattach(runner: CommandRunner, p: SlurmPaths, onPhase: LaunchRequest["onPhase"]): Promise<string | undefined> {
  const jobId = readJobId(p.job);
  if (!jobId) return undefined;
  const state = await jobState(runner, jobId);
  if (state?.state === "RUNNING" && readConnection(p.connection, jobId)) {
    onPhase?.(`re-attaching to job ${jobId} on ${state.node}`);
    return jobId;
  }
  if (isActive(state)) await cancelJob(runner, jobId, 60_000);
  return undefined;
}

async function submit(runner: CommandRunner, req: LaunchRequest, o: SlurmOptions, p: SlurmPaths): Promise<string> {
  const candidates = candidatePorts().map((port) => req.render("0.0.0.0", port));
  const env = checkInput(() => expandEnv(candidates[0].env));
  const name = jobName(p);
  rmSync(p.connection, { force: true });
  const heartbeat = { file: p.alive, timeoutS: o.heartbeat_timeout_s, graceS: req.stopTimeoutMs / 1000 };
  writeFileSync(p.script, renderBatchScript({ candidates, connectionFile: p.connection, prelude: o.prelude, title: name, heartbeat, sidecar: req.sidecar }), { mode: 0o755 });
  req.onPhase?.("submitting job");
  const r = await runner.run("sbatch", sbatchArgs(o, { name, logFile: req.logFile, script: p.script }), { env });
  const jobId = r.stdout.trim().split(";")[0];
  if (r.exitCode !== 0 || !/^\d+/.test(jobId)) {
    const why = r.stderr.trim().split("\n")[0] || `exit code ${r.exitCode}`;
    if (r.exitCode === 127) throw new StartupFailure("missing_binary", r.stderr, `sbatch not found (${why}): run on a SLURM submit host`);
    throw new StartupFailure("invalid_config", r.stderr, `sbatch refused the job: ${why}`);
  }
  writeFileSync(p.job, jobId + "\n");
  return jobId;
}

/** Waits while the job is pending, then for the connection file once it runs. */
async function waitConnection(req: LaunchRequest, o: SlurmOptions, p: SlurmPaths, jobId: string, watch: JobWatch): Promise<{ conn: Connection; runningSince: number }> {
  const submitted = Date.now();
  const pendingMs = (o.pending_timeout_s ?? req.startupTimeoutMs / 1000) * 1000;
  let runningSince: number | undefined;
  let phase = "";
  const say = (text: string) => text !== phase && req.onPhase?.((phase = text));
  while (true) {
    if (req.signal?.aborted) throw failStartup(req, "aborted");
    if (watch.done) throw endedFailure(req, jobId, await watch.ended);
    const s = watch.state;
    if (s?.state === "RUNNING") {
      runningSince ??= Date.now();
      const conn = readConnection(p.connection, jobId);
      if (conn) return { conn, runningSince };
      say(`job ${jobId} running on ${s.node}: starting engine`);
      if (Date.now() - runningSince > req.startupTimeoutMs) {
        throw failStartup(req, "timeout", { message: `job ${jobId} on ${s.node} wrote no connection file within ${req.startupTimeoutMs / 1000}s` });
      }
    } else {
      const reason = s?.reason && s.reason !== "None" ? s.reason : "";
      say(`job ${jobId} ${(s?.state ?? "submitted").toLowerCase()}${reason ? ` (${reason})` : ""}`);
      if (Date.now() - submitted > pendingMs) {
        throw failStartup(req, "timeout", { message: `job ${jobId} still ${s?.state ?? "PENDING"} after ${pendingMs / 1000}s (reason: ${reason || "unknown"})` });
      }
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** A job that ended before its engine was ready: node failures by state, the rest from the engine's log. */
function endedFailure(req: LaunchRequest, jobId: string, s: JobState | undefined): StartupFailure {
  const { code } = exitStatus(s?.exitCode);
  const state = s?.state ?? "(no longer known to SLURM)";
  const where = s?.node ? ` on ${s.node}` : "";
  const message = `job ${jobId} ended ${state}${where}${code === null ? "" : ` with exit code ${code}`} before the engine was ready`;
  if (state === "NODE_FAIL" || state === "BOOT_FAIL") return failStartup(req, "exited", { cause: "crashed", message: `${message} (node failure)` });
  if (state === "OUT_OF_MEMORY") return failStartup(req, "exited", { cause: "oom", message });
  return failStartup(req, "exited", { code, cause: code === NO_FREE_PORT_EXIT ? "bind_failed" : undefined, message });
}
