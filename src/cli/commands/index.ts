import type { Command } from "commander";
import { register as registerGrid } from "./grid.ts";
import { register as registerSetup } from "./setup.ts";
import { register as registerProxy } from "./proxy.ts";
import { register as registerClaude } from "./claude.ts";
import { register as registerReport } from "./report.ts";
import { register as registerCompare } from "./compare.ts";
import { register as registerPromote } from "./promote.ts";
import { register as registerRunSuites } from "./run.ts";
import { register as registerWarmup } from "./warmup.ts";
import { register as registerSim } from "./sim.ts";
import { register as registerTune } from "./tune.ts";
import { register as registerTrace } from "./trace.ts";
import { register as registerDoctor } from "./doctor.ts";

/**
 * Each command lives in its own file and exports `register(program)`; add one line per command here.
 * Command files import only commander and small helpers at the top; what an action needs is imported inside
 * the action, so `bench --version` or `bench grid --help` loads no more than the command definitions.
 */
const commands: Array<(program: Command) => void> = [
  registerProxy,
  registerClaude,
  registerGrid,
  registerSetup,
  registerReport,
  registerCompare,
  registerPromote,
  registerRunSuites,
  registerWarmup,
  registerSim,
  registerTune,
  registerTrace,
  registerDoctor,
];

export function registerCommands(program: Command): void {
  for (const register of commands) register(program);
}
