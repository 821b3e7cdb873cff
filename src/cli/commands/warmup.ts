import type { Command } from "commander";
import { badInput, failure } from "../../errors.ts";
import type { WarmupResult } from "../../suites/warmup.ts";
import type { Api } from "../../suites/types.ts";

interface WarmupFlags {
  wait?: boolean;
  url: string;
  sizes: string;
  timeout: string;
  model?: string;
  api: string;
  apiKeyEnv?: string;
}

function parseSizes(text: string): number[] {
  const sizes = text.split(",").map((s) => Number(s.trim()));
  if (!sizes.length || sizes.some((n) => !Number.isInteger(n) || n <= 0)) throw badInput(`--sizes ${text}: comma-separated positive integers expected`, "e.g. --sizes 50,500,5000");
  return sizes;
}

function line(r: WarmupResult): string {
  if (!r.ok) return `${String(r.size).padStart(7)}  FAILED  ${r.error ?? ""}`;
  return `${String(r.size).padStart(7)}  prompt_tokens=${r.promptTokens ?? "?"}  ttft_ms=${r.ttftMs?.toFixed(0)}  total_ms=${r.totalMs?.toFixed(0)}`;
}

export function register(program: Command): void {
  program
    .command("warmup")
    .description("wait for a server to be ready, then send one request per prompt size (smallest first) so graphs and kernels exist")
    .option("--wait", "wait until the server is ready (refused connections and 503 mean not yet); without it, fail at once if not ready")
    .option("--url <url>", "server address (vLLM's default port; llama-server listens on 8080 unless --port)", "http://127.0.0.1:8000")
    .option("--sizes <list>", "prompt sizes in tokens, comma-separated", "50,500,5000,20000,50000")
    .option("--timeout <s>", "seconds to wait for the server to become ready", "600")
    .option("--model <name>", "model name to send (default: the first of /v1/models)")
    .option("--api <api>", "openai (chat completions) or anthropic (messages)", "openai")
    .option("--api-key-env <name>", "environment variable holding the API key (never printed)")
    .action(async (flags: WarmupFlags) => {
      const sizes = parseSizes(flags.sizes);
      const timeoutS = Number(flags.timeout);
      if (!(timeoutS > 0)) throw badInput(`--timeout ${flags.timeout}: must be a positive number of seconds`);
      if (flags.api !== "openai" && flags.api !== "anthropic") throw badInput(`--api ${flags.api}: expected openai or anthropic`);
      const apiKey = flags.apiKeyEnv ? process.env[flags.apiKeyEnv] : undefined;
      if (flags.apiKeyEnv && !apiKey) throw badInput(`--api-key-env ${flags.apiKeyEnv}: that variable is not set`);
      const [{ monotonicClock }, { probeTarget }, { waitForServer, warmupSizes }] = await Promise.all([
        import("../../client/types.ts"), import("../../lab/run-target.ts"), import("../../suites/warmup.ts"),
      ]);
      const url = flags.url.replace(/\/+$/, "");
      const tty = process.stderr.isTTY;
      let shown = "";
      const onStatus = (text: string) => {
        if (tty) process.stderr.write(`\r\x1b[2K${text}`);
        else if (text.replace(/\(\d+s of/, "(") !== shown.replace(/\(\d+s of/, "(")) process.stderr.write(`${text}\n`);
        shown = text;
      };
      await waitForServer(url, { timeoutS: flags.wait ? timeoutS : 0, apiKey, onStatus });
      if (tty && shown) process.stderr.write("\n");
      const { target } = await probeTarget({ url, model: flags.model, api: flags.api as Api, apiKey });
      process.stderr.write(`ready: ${url} model ${target.model}; warming ${sizes.length} sizes\n`);
      const results = await warmupSizes(target, sizes, monotonicClock(), (r) => process.stdout.write(line(r) + "\n"));
      const failed = results.filter((r) => !r.ok);
      if (failed.length) throw failure(`warmup: ${failed.length} of ${results.length} sizes failed (${failed.map((r) => r.size).join(", ")})`, "see the lines above");
    });
}
