import { setMaxListeners } from "node:events";
import type { Command } from "commander";
import { DEFAULT_REQUEST_TIMEOUT_S } from "../../client/types.ts";
import { badInput } from "../../errors.ts";
import type { ProgressMode } from "../../progress/render.ts";
import type { Api } from "../../suites/types.ts";
import { finishRun, progressOption, strictOption } from "../shared-options.ts";

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
  strict?: boolean;
  requestTimeout: string;
}

export function register(program: Command): void {
  program
    .command("run")
    .description("run suites against any running OpenAI- or Anthropic-compatible server (vLLM, llama.cpp, LiteLLM, a proxy)")
    .requiredOption("--url <url>", "server address, e.g. http://127.0.0.1:8000")
    .requiredOption("--suite <list>", "comma-separated suite kinds, e.g. ttft,decode (an unknown kind is refused with the list of known ones)")
    .option("--out <dir>", "run directory (default results/run/<timestamp>/)")
    .option("--model <name>", "model name to send (default: the first of /v1/models)")
    .option("--api <api>", "openai (chat completions) or anthropic (messages)", "openai")
    .option("--repetitions <r>", "repetitions of every scenario, overriding the suites' definitions")
    .option("--api-key-env <name>", "environment variable holding the API key (never printed or stored)")
    .option("--set <suite.option=value>", "a suite option, e.g. ttft.prompt_tokens=6000 (repeatable)", (item: string, all: string[]) => [...all, item], [] as string[])
    .option("--request-timeout <s>", "longest wait in seconds for an answer to start and for each next piece of it", String(DEFAULT_REQUEST_TIMEOUT_S))
    .addOption(progressOption())
    .addOption(strictOption())
    .action(async (flags: RunFlags) => {
      if (flags.api !== "openai" && flags.api !== "anthropic") throw badInput(`--api ${flags.api}: expected openai or anthropic`);
      const repetitions = flags.repetitions === undefined ? undefined : Number(flags.repetitions);
      if (repetitions !== undefined && !(Number.isInteger(repetitions) && repetitions > 0)) throw badInput(`--repetitions ${flags.repetitions}: must be a positive integer`);
      const requestTimeoutS = Number(flags.requestTimeout);
      if (!(requestTimeoutS > 0)) throw badInput(`--request-timeout ${flags.requestTimeout}: must be a positive number of seconds`);
      const suites = flags.suite.split(",").map((s) => s.trim()).filter(Boolean);
      const [{ runTarget }, { summaryTable }, { createProgress, defaultProgressMode }, { parseSetOptions }] = await Promise.all([
        import("../../lab/run-target.ts"), import("../../lab/summary.ts"), import("../../progress/render.ts"), import("../../suites/set-options.ts"),
      ]);
      const controller = new AbortController();
      setMaxListeners(0, controller.signal); // one listener per request in flight (proxy and capacity suites run many)
      process.once("SIGINT", () => controller.abort());
      const progress = createProgress(flags.progress ?? defaultProgressMode());
      const result = await runTarget({
        url: flags.url, suites, out: flags.out, model: flags.model, api: flags.api as Api, repetitions,
        apiKeyEnv: flags.apiKeyEnv, options: parseSetOptions(flags.set), progress, signal: controller.signal,
        requestTimeoutMs: requestTimeoutS * 1000,
      });
      process.stdout.write(summaryTable(result.rows, []) + "\n");
      process.stdout.write(`results: ${result.outDir}\n`);
      const failed = new Set(result.rows.filter((r) => r.status === "failed").map((r) => String(r.suite))).size;
      finishRun({ interrupted: controller.signal.aborted, failed, total: suites.length, unit: "suites" }, flags.strict);
    });
}
