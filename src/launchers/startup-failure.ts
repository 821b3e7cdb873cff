import { readFileSync } from "node:fs";
import type { FailureCause } from "../engines/types.ts";
import { LabError } from "../errors.ts";
import { tailOf } from "./log-tail.ts";
import { StartupFailure, type LaunchRequest } from "./types.ts";
import type { Rejected } from "./readiness.ts";

/** Why waiting for readiness stopped, as every launcher sees it. */
export type NotReady = "exited" | "timeout" | "aborted" | Rejected;

/** The engine's log from byte `from` on (a launcher that started the engine again reads only the last start's). */
export function readLog(file: string, from = 0): string {
  try {
    return readFileSync(file).subarray(from).toString("utf8");
  } catch {
    return "";
  }
}

/**
 * The one classification of a failed start shared by all launchers: interrupted, timed out, or the engine
 * ended (cause from the engine's log, exit 127 = missing binary, else crashed). `ended` overrides the
 * message and, when known for sure (node failure, out of memory), the cause of an engine that ended.
 */
export function failStartup(
  req: LaunchRequest,
  outcome: NotReady,
  ended: { code?: number | null; cause?: FailureCause; message?: string; logFrom?: number } = {},
): StartupFailure {
  const log = readLog(req.logFile, ended.logFrom);
  const tail = tailOf(log, 40);
  if (outcome === "aborted") return new StartupFailure("interrupted", tail, "interrupted while starting");
  if (outcome === "timeout") return new StartupFailure("startup_timeout", tail, ended.message ?? `not ready after ${req.startupTimeoutMs / 1000}s`);
  if (typeof outcome === "object") {
    const cause = req.engine.classifyLog(log) ?? "readiness_rejected";
    const body = outcome.body.trim() ? `: ${outcome.body.trim().replace(/\s+/g, " ")}` : "";
    return new StartupFailure(cause, tail, `${outcome.path} answered ${outcome.status} while starting, which is not a loading status${body}`);
  }
  const cause = ended.cause ?? req.engine.classifyLog(log, ended.code) ?? (ended.code === 127 ? "missing_binary" : "crashed");
  const why = headline(log);
  return new StartupFailure(cause, tail, (ended.message ?? `engine exited with code ${ended.code} before it was ready`) + (why ? `: ${why}` : ""));
}

/** The log line that says what went wrong: the first `XError:` line (the root cause; vLLM ends with a generic one), else the first error-looking line. */
export function headline(log: string): string | undefined {
  const lines = log.split("\n").map((l) => l.trim()).filter(Boolean);
  const pick = (re: RegExp) => lines.filter((l) => re.test(l));
  return (pick(/^\w*(Error|Exception)\b.*:/)[0] ?? pick(/error|failed|exiting|unsupported|out of memory|not found/i)[0])?.slice(0, 300);
}

/** Runs a check of the user's input (options, env references) so that its error fails the point like a bad config. */
export function checkInput<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof LabError) throw new StartupFailure("invalid_config", "", err.message + (err.hint ? ` (${err.hint})` : ""));
    throw err;
  }
}
