import { writeFileSync } from "node:fs";
import { Option, type Command } from "commander";
import { badInput } from "../../errors.ts";
import { VIEWS, type View } from "../../trace/views.ts";

interface CacheFlags {
  via: View;
  url?: string;
  apiKeyEnv?: string;
  json?: string;
}

/** `bench doctor cache TRACE`: where each request's prompt stops repeating the previous one of its session, and what it costs. */
export function register(program: Command): void {
  const doctor = program.command("doctor").description("diagnose what keeps a server from serving Claude Code well");
  doctor
    .command("cache")
    .description("find what breaks the prefix cache between consecutive requests of each session of a trace")
    .argument("<trace>", "trace file (bench proxy --record, bench trace synth, or Mooncake-style JSONL)")
    .addOption(new Option("--via <view>", "what the engine sees: raw (as Claude Code sent it), llamacpp-native (llama-server's /v1/messages) or proxy (after this lab's proxy)").choices([...VIEWS]).default("raw"))
    .option("--url <url>", "engine URL whose tokenizer counts the tokens (llama-server or vLLM); default: estimates")
    .option("--api-key-env <name>", "environment variable holding the engine's key")
    .option("--json <file>", "where to write the findings as JSON (default: <trace>.doctor.json)")
    .action(async (file: string, flags: CacheFlags) => {
      const key = flags.apiKeyEnv ? process.env[flags.apiKeyEnv] : undefined;
      if (flags.apiKeyEnv && !key) throw badInput(`--api-key-env ${flags.apiKeyEnv}: that variable is not set`);
      const [{ doctorTrace }, { engineTokenizer }, { doctorTable }, { loadTrace }] = await Promise.all([
        import("../../doctor/cache-doctor.ts"), import("../../doctor/engine-tokens.ts"), import("../../doctor/format.ts"), import("../../trace/load.ts"),
      ]);
      const trace = loadTrace(file);
      const tokenizer = flags.url ? await engineTokenizer(flags.url, key) : undefined;
      const report = await doctorTrace(trace, flags.via, tokenizer);
      const out = flags.json ?? `${file}.doctor.json`;
      writeFileSync(out, JSON.stringify(report, null, 2) + "\n");
      process.stdout.write(`${doctorTable(report)}\nfindings: ${out}\n`);
    });
}
