import type { Command } from "commander";

export function register(program: Command): void {
  program
    .command("compare")
    .description("two runs side by side on the scenarios both measured (engines, machines and lab versions may differ)")
    .argument("<run-a>", "first run directory")
    .argument("<run-b>", "second run directory")
    .option("--out <dir>", "output directory (default reports/compare/<a>__vs__<b>/)")
    .action(async (runA: string, runB: string, flags: { out?: string }) => {
      const { writeComparison, label, scenarioLabel } = await import("../../report/compare/write.ts");
      const { round } = await import("../../report/select.ts");
      const { outDir, comparison: c } = await writeComparison(runA, runB, flags.out);
      process.stderr.write(`A: ${label(c.a)}\nB: ${label(c.b)}\n`);
      for (const line of c.notShared) process.stderr.write(`not shared: ${line}\n`);
      const fmt = (v: number | undefined) => (v === undefined ? "-" : round(v));
      const lines = c.rows.map((r) => `${scenarioLabel(r)}  output_tok_s A ${fmt(r.a.metrics.output_tok_s)}  B ${fmt(r.b.metrics.output_tok_s)}  B/A ${r.ratios.output_tok_s?.toFixed(2) ?? "-"}`);
      process.stdout.write((lines.length ? lines.join("\n") : "no shared scenario") + "\n");
      process.stderr.write(`comparison written: ${outDir}/compare.csv, ${outDir}/index.html\n`);
    });
}
