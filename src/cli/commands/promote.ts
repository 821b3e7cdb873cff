import type { Command } from "commander";

const HELP = `
Defaults: the objective is output_tok_s (maximized) at the run's highest-concurrency scenario; no SLOs.
Metrics ending in _ms (latencies), startup_s and errors are minimized, others maximized; prefix max: or min: to override.
SCENARIO selects rows: suite, scenario, suite/scenario, cN (concurrency N), optionally @cN, e.g. concurrency/c5 or ttft/warm.
An SLO without @SCENARIO applies at the objective's scenario; @* applies to every scenario a configuration measured.
Configurations with a failed point never win. Exit 2 when nothing meets the SLOs (the closest configuration is named).
Writes RUN_DIR/production/: profile.yaml, serve.sh, compose.yaml, .env.example, claude.env.`;

export function register(program: Command): void {
  program
    .command("promote")
    .description("pick the winning configuration of a run and write its production profile (RUN_DIR/production/)")
    .argument("<run-dir>", "run directory written by `bench grid`")
    .option("--objective <metric[@scenario]>", "what to optimize, e.g. output_tok_s@concurrency/c5 or min:ttft_ms_p99@ttft/warm")
    .option("--slo <constraint>", "constraint METRIC[@SCENARIO]<=VALUE (or >=, <, >), repeatable, e.g. 'ttft_ms_p99<=2000'", (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option("--name <name>", "profile and compose service name (default: the grid's name)")
    .addHelpText("after", HELP)
    .action(async (runDir: string, flags: { objective?: string; slo: string[]; name?: string }) => {
      const { promote } = await import("../../promote/promote.ts");
      const result = promote(runDir, { objective: flags.objective, slos: flags.slo, name: flags.name });
      process.stderr.write(result.explanation + "\n");
      process.stderr.write(`production profile written: ${result.dir}/ (${result.files.map((f) => f.split("/").pop()).join(", ")})\n`);
      process.stdout.write(`${result.dir}\n`);
    });
}
