import { setMaxListeners } from "node:events";
import type { Command } from "commander";
import { badInput } from "../../errors.ts";
import type { ProgressMode } from "../../progress/render.ts";
import type { SlurmFlags } from "../../launchers/slurm/options.ts";
import { addEngineOptions, finishRun, progressOption, strictOption, timeScaleOf, type EngineFlags } from "../shared-options.ts";

interface GridFlags extends SlurmFlags, EngineFlags {
  dryRun?: boolean;
  launcher?: string;
  parallel?: string;
  progress?: ProgressMode;
  image?: string;
  strict?: boolean;
}

export function register(program: Command): void {
  const command = program
    .command("grid")
    .description("run every point of a parameter grid: start the engine, run the suites, write CSVs")
    .argument("<file>", "grid file (YAML), e.g. grids/quickstart.yaml")
    .option("--dry-run", "print each point's id, command line and env; launch nothing")
    .option("--out <dir>", "run directory (default results/<grid name>/<timestamp>/)")
    .option("--resume <dir>", "continue an interrupted run in <dir>: finished points are skipped");
  addEngineOptions(command)
    .option("--launcher <kind>", "launcher (local, docker, slurm), overriding the grid")
    .option("--parallel <n>", "points in flight at once (launchers that allow it)")
    .option("--partition <name>", "slurm: partition (over launcher.options.partition)")
    .option("--gpus <n>", "slurm: GPUs per job, a count or type:count")
    .option("--time <limit>", "slurm: wall time per job, e.g. 02:00:00")
    .option("--account <name>", "slurm: account to charge")
    .option("--image <ref>", "docker: engine image (over launcher.options.image), e.g. the tag `bench setup image llama.cpp` prints")
    .addOption(progressOption())
    .addOption(strictOption())
    .action(async (file: string, flags: GridFlags) => {
      const [{ loadGrid }, { withSlurmFlags }, { withDockerFlags }] = await Promise.all([
        import("../../grid/load.ts"), import("../../launchers/slurm/options.ts"), import("../../launchers/docker-options.ts"),
      ]);
      const read = loadGrid(file);
      const loaded = { ...read, grid: withDockerFlags(withSlurmFlags(read.grid, flags), flags) };
      const timeScale = timeScaleOf(flags);
      if (flags.dryRun) {
        const { dryRun, formatDryRun } = await import("../../lab/dry-run.ts");
        process.stdout.write(formatDryRun(dryRun(loaded.grid, { ...flags, timeScale })));
        return;
      }
      const parallel = flags.parallel === undefined ? undefined : Number(flags.parallel);
      if (parallel !== undefined && !(Number.isInteger(parallel) && parallel > 0)) throw badInput(`--parallel ${flags.parallel}: must be a positive integer`);
      const [{ runGrid }, { summaryTable }, { installSignalHandlers, stopAll }, { createProgress, defaultProgressMode }] = await Promise.all([
        import("../../lab/run-grid.ts"), import("../../lab/summary.ts"), import("../../launchers/reaper.ts"), import("../../progress/render.ts"),
      ]);
      const controller = new AbortController();
      setMaxListeners(0, controller.signal); // one listener per request in flight (capacity probes run many)
      installSignalHandlers((signal) => {
        process.stderr.write(`\n${signal}: stopping engines; finished points are kept (resume with --resume)\n`);
        controller.abort();
        void stopAll();
      });
      const progress = createProgress(flags.progress ?? defaultProgressMode());
      const result = await runGrid(loaded, { ...flags, timeScale, parallel, progress, signal: controller.signal });
      process.stdout.write(summaryTable(result.rows, Object.keys(loaded.grid.matrix)) + "\n");
      process.stdout.write(`results: ${result.outDir}\n`);
      if (result.rows.length > 0 && !result.interrupted) {
        const { writeReport } = await import("../../report/write-report.ts");
        const report = await writeReport(result.outDir);
        process.stdout.write(`report: ${report.outDir}/index.html\n`);
      }
      finishRun({ interrupted: result.interrupted, failed: result.failed, total: result.ok + result.failed, unit: "points" }, flags.strict);
    });
}
