import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { execa } from "execa";
import type { Sidecar } from "./types.ts";

/** Starts a sidecar for the engine process `pid` on this machine, in its own process group; returns its stop. */
export function startSidecar(sidecar: Sidecar, pid: number, env: Record<string, string>): () => void {
  mkdirSync(dirname(sidecar.outFile), { recursive: true });
  writeFileSync(sidecar.outFile, "");
  const child = execa("bash", ["-c", sidecar.script, sidecar.name, String(pid), ...sidecar.args], {
    env, stdin: "ignore", stdout: { file: sidecar.outFile, append: true }, stderr: { file: sidecar.outFile, append: true },
    detached: true, reject: false, cleanup: false,
  });
  void child.catch(() => undefined);
  return () => {
    try {
      if (child.pid !== undefined && child.exitCode === null) process.kill(-child.pid, "SIGTERM");
    } catch {
      /* already gone */
    }
  };
}

/** The sidecar's line in a job script: beside the engine (`$pid_var`), in its own session, output to its file. */
export function sidecarShellLine(sidecar: Sidecar, pidVar: string, quote: (word: string) => string): string {
  const words = ["bash", "-c", sidecar.script, sidecar.name].map(quote).join(" ");
  return `LC_ALL=C setsid ${words} "$${pidVar}" ${sidecar.args.map(quote).join(" ")} > ${quote(sidecar.outFile)} 2>&1 < /dev/null &`;
}
