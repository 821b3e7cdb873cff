import { setMaxListeners } from "node:events";
import type { Command } from "commander";
import { badInput, EXIT } from "../../errors.ts";
import type { ProgressMode } from "../../progress/render.ts";
import { addEngineOptions, progressOption, timeScaleOf, type EngineFlags } from "../shared-options.ts";

interface TuneFlags extends EngineFlags {
  budget?: string;
  strategy?: string;
  objective?: string;
  slo: string[];
  seed?: string;
  repetitions?: string;
  progress?: ProgressMode;
}

const HELP = `
Budget: engine-seconds (startup plus suite time; real-time equivalents on the simulator), as a share of the
exhaustive run (35%, estimated from the first configuration, measured in full) or absolute (5000).
Strategies: halving (screen all, the best third to the full suites, finalists repeated), bayes (TPE picks which
half of the space to screen), exhaustive (every configuration in full). Default objective: capacity_sessions
when the grid runs the capacity suite, else output_tok_s at the highest concurrency. --slo sets the capacity
suite's SLO (ttft_ms<=N, tpot_ms<=N). Writes tune.csv, trials.jsonl, tune.json and the usual points.csv;
\`bench promote RUN_DIR\` promotes the tune's winner; --resume DIR continues an interrupted tune.`;

export function register(program: Command): void {
  const command = program
    .command("tune")
    .description("search a grid's configurations for the best one under a budget of engine-seconds")
    .argument("<file>", "grid file (YAML)")
    .option("--budget <b>", "share of the exhaustive run (e.g. 35%) or engine-seconds", "35%")
    .option("--strategy <s>", "halving, bayes or exhaustive", "halving")
    .option("--objective <metric[@scenario]>", "what to optimize (as bench promote), e.g. capacity_sessions@capacity/capacity")
    .option("--slo <constraint>", "the capacity suite's SLO, e.g. 'ttft_ms<=3000', repeatable", (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option("--seed <n>", "search seed (same seed, same search)", "1")
    .option("--repetitions <r>", "repetitions for the finalists", "3")
    .option("--out <dir>", "run directory (default results/<grid>/tune-<timestamp>/)")
    .option("--resume <dir>", "continue an interrupted tune: finished trials are replayed, not rerun");
  addEngineOptions(command)
    .addOption(progressOption())
    .addHelpText("after", HELP)
    .action(async (file: string, flags: TuneFlags) => {
      // loaded here, not at the top: `bench --version` and other commands' --help load none of it
      const [{ loadGrid }, { installSignalHandlers, stopAll }, { createProgress, defaultProgressMode }, { writeReport }, { runTune }, { tuneReport }] = await Promise.all([
        import("../../grid/load.ts"), import("../../launchers/reaper.ts"), import("../../progress/render.ts"),
        import("../../report/write-report.ts"), import("../../tune/run-tune.ts"), import("../../tune/print.ts"),
      ]);
      const loaded = loadGrid(file);
      const timeScale = timeScaleOf(flags);
      const seed = Number(flags.seed ?? 1);
      if (!Number.isInteger(seed)) throw badInput(`--seed ${flags.seed}: must be an integer`);
      const repetitions = Number(flags.repetitions ?? 3);
      if (!(Number.isInteger(repetitions) && repetitions > 0)) throw badInput(`--repetitions ${flags.repetitions}: must be a positive integer`);
      const controller = new AbortController();
      setMaxListeners(0, controller.signal); // one listener per request in flight: capacity probes run many
      installSignalHandlers((signal) => {
        process.stderr.write(`\n${signal}: stopping engines; finished trials are kept (resume with --resume)\n`);
        controller.abort();
        void stopAll();
      });
      const progress = createProgress(flags.progress ?? defaultProgressMode());
      const summary = await runTune(loaded, { ...flags, timeScale, seed, repetitions, progress, signal: controller.signal }).catch((err) => {
        if (controller.signal.aborted) return undefined;
        throw err;
      });
      if (!summary) {
        process.exitCode = EXIT.interrupted;
        return;
      }
      process.stdout.write(tuneReport(summary) + "\n");
      const report = await writeReport(summary.outDir);
      process.stdout.write(`results: ${summary.outDir}\nreport: ${report.outDir}/index.html\n`);
      if (!summary.winner) process.exitCode = 1;
    });
}
