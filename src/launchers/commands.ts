import { spawnSync } from "node:child_process";
import { execa } from "execa";

export interface CommandResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** A long-running command (log follower, SSH tunnel) whose output goes to a file. */
export interface FollowedCommand {
  exited: Promise<number | null>;
  stop(): void;
}

/**
 * How cluster and container launchers run their tools (sbatch, squeue, docker, ssh). Injected so that tests
 * can record the commands and feed outputs without a cluster or a Docker engine.
 */
export interface CommandRunner {
  /** Runs to the end (or the timeout, or `signal`, which stops it with SIGTERM). */
  run(command: string, args: string[], opts?: { env?: Record<string, string>; timeoutMs?: number; signal?: AbortSignal }): Promise<CommandResult>;
  /** For exit-time cleanup, when nothing asynchronous can run any more. */
  runSync(command: string, args: string[], opts?: { timeoutMs?: number }): void;
  follow(command: string, args: string[], opts: { logFile: string; env?: Record<string, string> }): FollowedCommand;
  /**
   * Runs `command` once this process is gone, however it ends (SIGKILL included), unless disarmed first: a
   * detached shell waits for its stdin, a pipe from this process, to close.
   */
  guard(command: string, args: string[], opts?: { env?: Record<string, string> }): { disarm(): void };
}

const GUARD = 'read -r _ || :; exec "$@" >/dev/null 2>&1';

export const systemRunner: CommandRunner = {
  async run(command, args, opts = {}) {
    const r = await execa(command, args, { env: opts.env, timeout: opts.timeoutMs, cancelSignal: opts.signal, reject: false, stdin: "ignore" });
    // a command that could not start at all (ENOENT) has no exit code: report it like a shell would
    return { exitCode: r.exitCode ?? (r.failed ? 127 : 1), stdout: r.stdout, stderr: r.stderr || r.shortMessage || "" };
  },
  runSync(command, args, opts = {}) {
    spawnSync(command, args, { stdio: "ignore", timeout: opts.timeoutMs ?? 10_000 });
  },
  follow(command, args, opts) {
    const child = execa(command, args, {
      env: opts.env, stdin: "ignore", reject: false, cleanup: true,
      stdout: { file: opts.logFile, append: true }, stderr: { file: opts.logFile, append: true },
    });
    return { exited: child.then((r) => r.exitCode ?? null), stop: () => void child.kill("SIGTERM") };
  },
  guard(command, args, opts = {}) {
    const child = execa("/bin/sh", ["-c", GUARD, "tunelab-guard", command, ...args], {
      env: opts.env, stdin: "pipe", stdout: "ignore", stderr: "ignore", detached: true, reject: false, cleanup: false,
    });
    return { disarm: () => void child.kill("SIGKILL") };
  },
};
