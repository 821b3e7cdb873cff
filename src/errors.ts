/** Every expected failure is a LabError: one line for the user, an exit code, and a hint. */
export type ExitCode = 1 | 2;

export class LabError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode = 1,
    readonly hint?: string,
  ) {
    super(message);
    this.name = "LabError";
  }
}

/** Bad input from the user (file, flag, field): exit code 2. */
export function badInput(message: string, hint?: string): LabError {
  return new LabError(message, 2, hint);
}

/** A failure while doing the work (engine, network, disk): exit code 1. */
export function failure(message: string, hint?: string): LabError {
  return new LabError(message, 1, hint);
}

/** The single place where errors become a line on stderr and an exit code. */
export function describeError(err: unknown): { line: string; exitCode: ExitCode } {
  if (err instanceof LabError) {
    const hint = err.hint ? ` (${err.hint})` : "";
    return { line: `error: ${oneLine(err.message)}${hint}`, exitCode: err.exitCode };
  }
  const message = err instanceof Error ? err.message : String(err);
  return { line: `error: ${oneLine(message)}`, exitCode: 1 };
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, " | ").trim();
}
