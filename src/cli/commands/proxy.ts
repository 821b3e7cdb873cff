import { Command, Option } from "commander";
import { badInput } from "../../errors.ts";

interface ProxyFlags {
  upstream: string;
  port: string;
  host: string;
  modelMap: string[];
  context?: string;
  apiKeyEnv?: string;
  upstreamKeyEnv?: string;
  thinking: "auto" | "off" | "on";
  systemMessages: "auto" | "inplace" | "fold";
  quiet?: boolean;
  record?: string;
  cacheDoctor?: boolean;
}

/** `bench proxy`: the Claude-compatible proxy in front of a vLLM or llama-server engine, until Ctrl-C. */
export function register(program: Command): void {
  program
    .command("proxy")
    .description("serve the Anthropic Messages API (what Claude Code speaks) in front of an OpenAI-compatible engine")
    .requiredOption("--upstream <url>", "engine base URL, with or without /v1 (e.g. http://127.0.0.1:8000)")
    .option("--port <n>", "port to listen on (0 = any free port)", "4000")
    .option("--host <addr>", "address to listen on", "127.0.0.1")
    .option("--model-map <rule...>", "PATTERN=MODEL rules, * as wildcard, first match wins (e.g. 'claude-*haiku*=small')", [])
    .option("--context <n>", "context window in tokens (default: asked from the engine)")
    .option("--api-key-env <name>", "environment variable holding the key clients must send (x-api-key or Bearer)")
    .option("--upstream-key-env <name>", "environment variable holding the engine's API key")
    .addOption(new Option("--thinking <mode>", "auto = follow each request; off = never reason; on = always reason and show it").choices(["auto", "off", "on"]).default("auto"))
    .addOption(
      new Option("--system-messages <mode>", "mid-conversation system messages: auto = probe the engine's template; inplace = OpenAI system messages; fold = <system-reminder> in the user turn")
        .choices(["auto", "inplace", "fold"])
        .default("auto"),
    )
    .option("--quiet", "no per-request log lines")
    .option("--record <file>", "append every request (prompt and file contents included) and its outcome to this JSONL trace (mode 0600)")
    .option("--cache-doctor", "log one line per prefix-cache break between consecutive requests of a Claude Code conversation")
    .action(async (flags: ProxyFlags) => {
      const { startProxy } = await import("../../proxy/index.ts");
      const proxy = await startProxy({
        upstream: flags.upstream,
        port: integer(flags.port, "--port"),
        host: flags.host,
        modelMap: flags.modelMap,
        context: flags.context === undefined ? undefined : integer(flags.context, "--context"),
        apiKey: secretFromEnv(flags.apiKeyEnv, "--api-key-env"),
        upstreamKey: secretFromEnv(flags.upstreamKeyEnv, "--upstream-key-env"),
        thinking: flags.thinking,
        systemMessages: flags.systemMessages,
        log: flags.quiet ? undefined : (line) => process.stderr.write(`proxy: ${line}\n`),
        notice: (line) => process.stderr.write(`proxy: ${line}\n`),
        record: flags.record,
        cacheDoctor: flags.cacheDoctor ?? false,
      });
      process.stderr.write(`proxy: listening on ${proxy.url} -> ${flags.upstream} (Ctrl-C to stop)\n`);
      await new Promise<void>((resolve) => {
        const stop = () => resolve();
        process.once("SIGINT", stop);
        process.once("SIGTERM", stop);
      });
      await proxy.close();
    });
}

function integer(text: string, flag: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0) throw badInput(`${flag} ${text} is not a whole number`);
  return n;
}

/** Keys come only from the environment, so they never appear in shell history or process listings. */
function secretFromEnv(name: string | undefined, flag: string): string | undefined {
  if (!name) return undefined;
  const value = process.env[name];
  if (!value) throw badInput(`${flag} ${name}: that environment variable is not set`);
  return value;
}
