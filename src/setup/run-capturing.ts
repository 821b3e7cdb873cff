import { appendFileSync } from "node:fs";
import { execa } from "execa";

export interface Captured {
  exitCode: number;
  stdout: string;
  /** The last line that reads like an error (pip's and uv's), else the last non-empty line. */
  lastLine: string;
}

const ERROR_LINE = /^\s*(error|ERROR|cause:|×|╰─▶|\w*Error\b)/;

/** Runs a command with both streams appended to a log; never throws for a non-zero exit. */
export async function runCapturing(cmd: string[], logPath: string, env: Record<string, string> = {}): Promise<Captured> {
  appendFileSync(logPath, `$ ${cmd.join(" ")}\n`);
  const r = await execa(cmd[0], cmd.slice(1), { reject: false, stdin: "ignore", env: { ...process.env, ...env } });
  const stdout = String(r.stdout ?? "");
  const stderr = String(r.stderr ?? "");
  appendFileSync(logPath, stdout + (stdout ? "\n" : "") + stderr + (stderr ? "\n" : ""));
  const lines = `${stdout}\n${stderr}`.split("\n").map((l) => l.trim()).filter(Boolean);
  const errors = lines.filter((l) => ERROR_LINE.test(l));
  const lastLine = errors.at(-1) ?? lines.at(-1) ?? `exit ${r.exitCode ?? r.message}`;
  return { exitCode: r.exitCode ?? 1, stdout, lastLine };
}
