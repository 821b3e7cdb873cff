import { Option, type Command } from "commander";
import { badInput, EXIT } from "../errors.ts";
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

/** The flags that choose what a grid runs on, shared by `bench grid` and `bench tune`. */
export interface EngineFlags {
  out?: string;
  resume?: string;
  simulate?: boolean;
  timeScale?: string;
  hardware?: string;
  binary?: string;
  model?: string;
}

/** Adds --simulate, --time-scale, --hardware, --binary and --model. */
export function addEngineOptions(command: Command): Command {
  return command
    .option("--simulate", "run a vLLM grid against the built-in vLLM simulator (no GPU needed)")
    .option("--time-scale <k>", "simulator speed-up; timings are reported as real-time equivalents", "1")
    .option("--hardware <profile>", "simulator hardware profile (`bench sim profiles`), default the calibrated 2x RTX 4090")
    .option("--binary <path>", "engine binary (llama-server or vllm), overriding the grid")
    .option("--model <path>", "model (.gguf for llama.cpp, id or path for vLLM), overriding the grid");
}

/** --time-scale as a number; anything but a positive number is bad input. */
export function timeScaleOf(flags: EngineFlags): number {
  const timeScale = Number(flags.timeScale ?? 1);
  if (!(timeScale > 0)) throw badInput(`--time-scale ${flags.timeScale}: must be a positive number`);
  return timeScale;
}
