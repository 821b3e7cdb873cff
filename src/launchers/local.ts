import { appendFileSync, closeSync, existsSync, mkdirSync, openSync, statSync } from "node:fs";
import { dirname } from "node:path";
import { spawn } from "node:child_process";
import { expandEnv } from "../util/env.ts";
import { reservePort, waitPortFree } from "./ports.ts";
import { withWatchdog } from "./watchdog.ts";
import { startSidecar } from "./sidecar.ts";
import { waitReady } from "./readiness.ts";
import { track } from "./reaper.ts";
import { StartupFailure, type EngineHandle, type Launcher, type LaunchRequest } from "./types.ts";
import { tailOf } from "./log-tail.ts";
import { failStartup, readLog } from "./startup-failure.ts";
import { portOwner } from "./port-owner.ts";

const HOST = "127.0.0.1";

/** Starts on a new port when another process took the one picked for the engine (at most this many starts). */
const PORT_ATTEMPTS = 3;

/** Runs the engine on this machine in its own process group, logs to a file, stops the whole group. */
export const localLauncher: Launcher = {
  kind: "local",
  sidecars: true,
  async start(req: LaunchRequest): Promise<EngineHandle> {
    for (let attempt = 1; ; attempt++) {
      const started = await startOnce(req, attempt < PORT_ATTEMPTS);
      if (!("lostPort" in started)) return started;
      appendFileSync(req.logFile, `tunelab: port ${started.lostPort} was taken by another process before the engine listened on it; starting again on a new port\n`);
      req.onPhase?.("port taken by another process: starting again");
    }
  },
};

/**
 * One start on a fresh port. With `retry`, a port another process took (its listener answers the probe, or
 * the engine could not bind) comes back as `lostPort` instead of failing the point: that is no fault of the
 * configuration, and measuring the other process's server would be worse.
 */
async function startOnce(req: LaunchRequest, retry: boolean): Promise<EngineHandle | { lostPort: number }> {
  const reservation = await reservePort(HOST);
  const spec = req.render(HOST, reservation.port);
  const run = withWatchdog(spec.command, spec.args, req.stopTimeoutMs / 1000);
  mkdirSync(dirname(req.logFile), { recursive: true });
  const logFrom = existsSync(req.logFile) ? statSync(req.logFile).size : 0;
  const started = process.hrtime.bigint();
  req.onPhase?.("starting");
  // Both streams go straight to the file (one O_APPEND descriptor keeps their lines whole), not through a pipe
  // to this process: an engine whose lab is gone keeps logging instead of dying of SIGPIPE mid-write.
  const env = expandEnv(spec.env);
  const log = openSync(req.logFile, "a");
  const child = spawn(run.command, run.args, {
    env: { ...process.env, ...env },
    // stdin held open and never written: its closing tells the watchdog the lab is gone
    stdio: ["pipe", log, log],
    detached: true, // own process group: signals to the lab's group never reach it, and we stop it as a whole
  });
  closeSync(log);
  child.on("error", () => {}); // a shell that cannot start exits 127 through the watchdog; nothing else to report
  const pid = child.pid;
  const stopSidecar = req.sidecar && pid !== undefined ? startSidecar(req.sidecar, pid, env) : () => {};
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
    child.once("exit", (code, signal) => {
      child.stdin?.destroy();
      resolve({ code, signal });
    }),
  );
  const kill = (signal: NodeJS.Signals) => {
    if (pid === undefined) return;
    try {
      process.kill(-pid, signal);
    } catch {
      /* already gone */
    }
  };
  let done = false;
  void exited.then(() => (done = true));
  /** `portTaken`: another process holds the port, so waiting for it to be free would only wait. */
  const stop = async (portTaken = false) => {
    stopSidecar();
    if (!done) {
      kill("SIGTERM");
      kill("SIGCONT"); // a frozen (SIGSTOPped) engine handles the TERM only once it runs again
      const timer = new Promise((r) => setTimeout(r, req.stopTimeoutMs).unref());
      await Promise.race([exited, timer]);
      kill("SIGKILL"); // the group may hold children even after the leader exited
      await exited;
    } else kill("SIGKILL");
    if (!portTaken) await waitPortFree(spec.host, spec.port, 5000);
    reservation.release();
    untrack();
  };
  const untrack = track({ sync: () => kill("SIGKILL"), async: () => stop() });
  const logTail = (lines = 40) => tailOf(readLog(req.logFile), lines);

  if (pid === undefined) {
    untrack();
    reservation.release();
    throw new StartupFailure("missing_binary", "", `cannot start ${spec.command}`);
  }
  req.onPhase?.("loading");
  const outcome = await waitReady(spec, { timeoutMs: req.startupTimeoutMs, exited, signal: req.signal });
  const foreign = (outcome === "ready" || typeof outcome === "object") && portOwner(spec.port, pid) === "foreign";
  if (retry && (foreign || (outcome === "exited" && req.engine.classifyLog(readLog(req.logFile, logFrom)) === "bind_failed"))) {
    await stop(true);
    return { lostPort: spec.port };
  }
  if (foreign) {
    await stop(true);
    throw failStartup(req, "exited", { logFrom, cause: "bind_failed", message: `another process listens on port ${spec.port}, picked for the engine (${PORT_ATTEMPTS} ports tried)` });
  }
  if (outcome !== "ready") {
    await stop();
    throw failStartup(req, outcome, { logFrom, ...(outcome === "exited" ? { code: (await exited).code } : {}) });
  }
  const startupS = Number(process.hrtime.bigint() - started) / 1e9;
  return { spec, startupS, exited, stop: () => stop(), logTail };
}
