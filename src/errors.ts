/**
 * Exit codes of every command, in one table (the README's "Exit codes" section lists the same):
 * 0 done (a completed grid with failed points too; the count is printed), 1 the work failed or an unexpected
 * error, 2 bad input, 3 `--strict` and some points failed, 130 interrupted (Ctrl-C, SIGTERM).
 */
export const EXIT = { ok: 0, failure: 1, badInput: 2, failedPoints: 3, interrupted: 130 } as const;

/** Every expected failure is a LabError: one line for the user, an exit code, and a hint. */
export type ExitCode = typeof EXIT.failure | typeof EXIT.badInput;

export class LabError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode = EXIT.failure,
    readonly hint?: string,
  ) {
    super(message);
    this.name = "LabError";
  }
}

/** Bad input from the user (file, flag, field): exit code 2. */
export function badInput(message: string, hint?: string): LabError {
  return new LabError(message, EXIT.badInput, hint);
}

/** A failure while doing the work (engine, network, disk): exit code 1. */
export function failure(message: string, hint?: string): LabError {
  return new LabError(message, EXIT.failure, hint);
}

/** Whether `--debug` or TUNELAB_DEBUG=1 asked for stack traces of unexpected errors. */
export function debugEnabled(argv: readonly string[] = process.argv, env: NodeJS.ProcessEnv = process.env): boolean {
  const flag = argv.indexOf("--debug");
  const dashes = argv.indexOf("--");
  return (flag !== -1 && (dashes === -1 || flag < dashes)) || (!!env.TUNELAB_DEBUG && env.TUNELAB_DEBUG !== "0");
}

/**
 * The single place where errors become text on stderr and an exit code: a LabError is one line with its hint;
 * anything else is unexpected, one line too unless `debug` asks for its stack trace.
 */
export function describeError(err: unknown, debug = false): { line: string; exitCode: ExitCode } {
  if (err instanceof LabError) {
    const hint = err.hint ? ` (${err.hint})` : "";
    return { line: `error: ${oneLine(err.message)}${hint}`, exitCode: err.exitCode };
  }
  if (debug && err instanceof Error && err.stack) return { line: `error (unexpected): ${err.stack}`, exitCode: EXIT.failure };
  const message = err instanceof Error ? err.message : String(err);
  return { line: `error: ${oneLine(message)} (unexpected; run again with --debug or TUNELAB_DEBUG=1 for the stack trace)`, exitCode: EXIT.failure };
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, " | ").trim();
}
