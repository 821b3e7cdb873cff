import { spawn } from "node:child_process";
import { closeSync, mkdirSync, openSync } from "node:fs";
import { dirname } from "node:path";
import type { Sidecar } from "./types.ts";

/**
 * Starts a sidecar for the engine process `pid` on this machine, in its own process group, writing straight to
 * its file (its own descriptor, never through the lab's event loop); returns its stop.
 */
export function startSidecar(sidecar: Sidecar, pid: number, env: Record<string, string>): () => void {
  mkdirSync(dirname(sidecar.outFile), { recursive: true });
  const fd = openSync(sidecar.outFile, "w");
  let exited = false;
  try {
    const child = spawn("bash", ["-c", sidecar.script, sidecar.name, String(pid), ...sidecar.args], {
      env: { ...process.env, ...env }, stdio: ["ignore", fd, fd], detached: true,
    });
    child.on("error", () => (exited = true)).on("exit", () => (exited = true));
    return () => {
      try {
        if (!exited && child.pid !== undefined) process.kill(-child.pid, "SIGTERM");
      } catch {
        /* already gone */
      }
    };
  } finally {
    closeSync(fd);
  }
}

/** The sidecar's line in a job script: beside the engine (`$pid_var`), in its own session, output to its file. */
export function sidecarShellLine(sidecar: Sidecar, pidVar: string, quote: (word: string) => string): string {
  const words = ["bash", "-c", sidecar.script, sidecar.name].map(quote).join(" ");
  return `LC_ALL=C setsid ${words} "$${pidVar}" ${sidecar.args.map(quote).join(" ")} > ${quote(sidecar.outFile)} 2>&1 < /dev/null &`;
}
