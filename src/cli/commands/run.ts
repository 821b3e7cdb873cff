import type { Command } from "commander";
import { badInput } from "../../errors.ts";
import { runTarget } from "../../lab/run-target.ts";
import { summaryTable } from "../../lab/summary.ts";
import { createProgress, defaultProgressMode, type ProgressMode } from "../../progress/render.ts";
import { suiteKinds } from "../../suites/registry.ts";
import { parseSetOptions } from "../../suites/set-options.ts";
import type { Api } from "../../suites/types.ts";

interface RunFlags {
  url: string;
  suite: string;
  out?: string;
  model?: string;
  api: string;
  repetitions?: string;
  apiKeyEnv?: string;
  set: string[];
  progress?: ProgressMode;
}

export function register(program: Command): void {
  program
    .command("run")
    .description("run suites against any running OpenAI- or Anthropic-compatible server (vLLM, llama.cpp, LiteLLM, a proxy)")
    .requiredOption("--url <url>", "server address, e.g. http://127.0.0.1:8000")
    .requiredOption("--suite <list>", `comma-separated suites (${suiteKinds().join(", ")})`)
    .option("--out <dir>", "run directory (default results/run/<timestamp>/)")
    .option("--model <name>", "model name to send (default: the first of /v1/models)")
    .option("--api <api>", "openai (chat completions) or anthropic (messages)", "openai")
    .option("--repetitions <r>", "repetitions of every scenario, overriding the suites' definitions")
    .option("--api-key-env <name>", "environment variable holding the API key (never printed or stored)")
    .option("--set <suite.option=value>", "a suite option, e.g. ttft.prompt_tokens=6000 (repeatable)", (item: string, all: string[]) => [...all, item], [] as string[])
    .option("--progress <mode>", "progress display on stderr: tty, plain or none")
    .action(async (flags: RunFlags) => {
      if (flags.api !== "openai" && flags.api !== "anthropic") throw badInput(`--api ${flags.api}: expected openai or anthropic`);
      const repetitions = flags.repetitions === undefined ? undefined : Number(flags.repetitions);
      if (repetitions !== undefined && !(Number.isInteger(repetitions) && repetitions > 0)) throw badInput(`--repetitions ${flags.repetitions}: must be a positive integer`);
      const suites = flags.suite.split(",").map((s) => s.trim()).filter(Boolean);
      const controller = new AbortController();
      process.once("SIGINT", () => controller.abort());
      const progress = createProgress(flags.progress ?? defaultProgressMode());
      const result = await runTarget({
        url: flags.url, suites, out: flags.out, model: flags.model, api: flags.api as Api, repetitions,
        apiKeyEnv: flags.apiKeyEnv, options: parseSetOptions(flags.set), progress, signal: controller.signal,
      });
      process.stdout.write(summaryTable(result.rows, []) + "\n");
      process.stdout.write(`results: ${result.outDir}\n`);
      if (controller.signal.aborted) process.exitCode = 130;
      else if (result.rows.length && result.rows.every((r) => r.status === "failed")) process.exitCode = 1;
    });
}
