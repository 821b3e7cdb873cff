import type { Command } from "commander";
import { badInput } from "../../errors.ts";

export function register(program: Command): void {
  program
    .command("report")
    .description("charts of a run: Vega-Lite specs, SVGs and an offline index.html")
    .argument("<run-dir>", "run directory written by `bench grid` (results/<grid>/<timestamp>/)")
    .option("--out <dir>", "output directory (default reports/<grid name>/<run>/)")
    .option("--heatmap <x,y>", "the two parameters of the heatmap (default: the first two server params with several values)")
    .action(async (runDir: string, flags: { out?: string; heatmap?: string }) => {
      const heatmap = flags.heatmap?.split(",").map((s) => s.trim());
      if (heatmap && (heatmap.length !== 2 || heatmap.some((s) => !s))) throw badInput(`--heatmap '${flags.heatmap}': expected two parameter names, X,Y`);
      const { writeReport } = await import("../../report/write-report.ts");
      const { outDir } = await writeReport(runDir, flags.out, { heatmap: heatmap as [string, string] | undefined });
      process.stderr.write(`report written; open ${outDir}/index.html\n`);
      process.stdout.write(`${outDir}\n`);
    });
}
