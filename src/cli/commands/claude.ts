import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Command } from "commander";
import { badInput, failure } from "../../errors.ts";
import type { ClaudeEnvInput } from "../../proxy/claude-env.ts";

interface ClaudeFlags {
  profile?: string;
  url?: string;
  model?: string;
  context?: string;
  maxOutputTokens?: string;
  apiKeyEnv?: string;
  exec?: boolean;
  record?: string;
  upstream?: string;
}

const DEFAULT_URL = "http://127.0.0.1:4000";

/** `bench claude`: the environment that points Claude Code at the proxy, printed or used to run it. */
export function register(program: Command): void {
  program
    .command("claude")
    .description("print (or with --exec run) Claude Code's environment for the proxy")
    .argument("[claude-args...]", "arguments for claude, after --")
    .option("--profile <dir>", "promoted profile directory whose claude.env gives the defaults")
    .option("--url <url>", `proxy URL (default: the profile's, else ${DEFAULT_URL})`)
    .option("--model <name>", "served model for every tier (default: the profile's, else the proxy's first)")
    .option("--context <n>", "context window in tokens, sizes CLAUDE_CODE_MAX_OUTPUT_TOKENS (default: asked from the proxy)")
    .option("--max-output-tokens <n>", "CLAUDE_CODE_MAX_OUTPUT_TOKENS (default: min(32000, context / 4))")
    .option("--api-key-env <name>", "environment variable holding the proxy's key (exported as a reference, never a value)")
    .option("--exec", "run claude with this environment instead of printing it")
    .option("--record <file>", "with --exec: run a recording proxy in front of --upstream and write the session's trace here")
    .option("--upstream <url>", "engine URL for the recording proxy (with --record)")
    .action(async (claudeArgs: string[], flags: ClaudeFlags) => {
      if (flags.record && (!flags.exec || !flags.upstream)) throw badInput("--record needs --exec and --upstream <engine url>", "e.g. bench claude --exec --record s.jsonl --upstream http://127.0.0.1:8080 -- -p 'hi'");
      const recording = flags.record ? await startRecordingProxy(flags.upstream!, flags.record, flags.apiKeyEnv) : undefined;
      if (recording) flags.url = recording.url;
      try {
        await claudeAction(claudeArgs, flags);
      } finally {
        await recording?.close();
      }
    });
}

async function claudeAction(claudeArgs: string[], flags: ClaudeFlags): Promise<void> {
  const [{ claudeEnv, renderExports, resolveEnv }, { inputsFromProfile, keysByFlag, mergeProfile }] = await Promise.all([
    import("../../proxy/claude-env.ts"), import("../../proxy/claude-profile.ts"),
  ]);
  const profile = flags.profile ? await readProfile(flags.profile) : {};
  const fromProfile = inputsFromProfile(profile);
  const input: ClaudeEnvInput = {
    ...fromProfile,
    url: flags.url ?? fromProfile.url ?? DEFAULT_URL,
    model: flags.model ?? fromProfile.model,
    context: flags.context === undefined ? fromProfile.context : positiveFlag(flags.context, "--context"),
    maxOutputTokens: flags.maxOutputTokens === undefined ? undefined : positiveFlag(flags.maxOutputTokens, "--max-output-tokens"),
    apiKeyEnv: flags.apiKeyEnv ?? fromProfile.apiKeyEnv,
  };
  if (!input.model || !input.context) Object.assign(input, await askProxy(input));
  const flagKeys = new Set((["url", "model", "context", "maxOutputTokens", "apiKeyEnv"] as const).flatMap((f) => (flags[f] ? keysByFlag[f] : [])));
  const env = mergeProfile(claudeEnv(input), profile, flagKeys);
  if (!flags.exec) {
    process.stdout.write(renderExports(env) + "\n");
    return;
  }
  const { values, missing } = resolveEnv(env, process.env);
  if (missing.length) throw badInput(`environment variable ${missing.join(", ")} is not set (it holds the proxy key)`);
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...values };
  delete childEnv.ANTHROPIC_API_KEY; // would override the token and make Claude Code ask about it
  const { execa } = await import("execa");
  const result = await execa("claude", claudeArgs, { stdio: "inherit", env: childEnv, extendEnv: false, reject: false });
  if (result.failed && result.exitCode === undefined) {
    throw failure(`cannot run claude: ${result.shortMessage}`, "install Claude Code (npm i -g @anthropic-ai/claude-code)");
  }
  process.exitCode = result.exitCode ?? 1;
}

/** `--record`: the proxy in this process, on a free port, appending every request of the session to `file`. */
async function startRecordingProxy(upstream: string, file: string, apiKeyEnv: string | undefined) {
  const apiKey = apiKeyEnv ? process.env[apiKeyEnv] : undefined;
  if (apiKeyEnv && !apiKey) throw badInput(`environment variable ${apiKeyEnv} is not set (it holds the proxy key)`);
  const { startProxy } = await import("../../proxy/index.ts");
  return startProxy({ upstream, port: 0, record: file, apiKey, notice: (line) => process.stderr.write(`proxy: ${line}\n`) });
}

async function readProfile(dir: string) {
  const { parseEnvFile } = await import("../../proxy/claude-profile.ts");
  const file = join(dir, "claude.env");
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    throw badInput(`--profile ${dir}: no readable claude.env there`, "point it at a directory written by bench promote");
  }
  return parseEnvFile(text, file);
}

function positiveFlag(text: string, flag: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n <= 0) throw badInput(`${flag} ${text} is not a positive whole number`);
  return n;
}

/** Fills a missing model or context from the proxy's /v1/models when it answers; silent when it does not. */
async function askProxy(input: ClaudeEnvInput): Promise<Partial<ClaudeEnvInput>> {
  const { request } = await import("undici");
  const key = input.apiKeyEnv ? process.env[input.apiKeyEnv] : undefined;
  try {
    const res = await request(`${input.url.replace(/\/+$/, "")}/v1/models`, {
      headers: key ? { "x-api-key": key } : {},
      headersTimeout: 3000,
      bodyTimeout: 3000,
    });
    if (res.statusCode !== 200) {
      await res.body.dump();
      return {};
    }
    const body = (await res.body.json()) as { data?: { id: string; context_window?: number }[] };
    const first = body.data?.[0];
    return { model: input.model ?? first?.id, context: input.context ?? first?.context_window };
  } catch {
    return {};
  }
}
