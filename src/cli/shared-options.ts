import { Option } from "commander";
import { EXIT } from "../errors.ts";
import { PROGRESS_MODES } from "../progress/render.ts";

/** `--progress tty|plain|none`; anything else is refused at parse time (exit 2). */
export function progressOption(): Option {
  return new Option("--progress <mode>", "progress display on stderr (default: tty on a terminal, else plain)").choices(PROGRESS_MODES);
}

export function strictOption(): Option {
  return new Option("--strict", `exit ${EXIT.failedPoints} when any point failed (default: exit 0 and print the count)`);
}

/**
 * The exit code of a run that went to its end or was interrupted, by the README's table: interrupted 130;
 * failed points are counted on stderr and exit 0, or 3 with --strict.
 */
export function finishRun(outcome: { interrupted: boolean; failed: number; total: number; unit: string }, strict = false): void {
  if (outcome.interrupted) {
    process.exitCode = EXIT.interrupted;
    return;
  }
  if (outcome.failed === 0) return;
  process.stderr.write(`${outcome.failed} of ${outcome.total} ${outcome.unit} failed (see the failure column of points.csv)\n`);
  if (strict) process.exitCode = EXIT.failedPoints;
}
