import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, dirname, join } from "node:path";
import { execa } from "execa";
import { withLock } from "../../src/setup/lock.ts";
import { cacheDir, packagePath } from "../../src/util/paths.ts";
import { BENCH_BIN } from "./bench-cli.ts";

/** One installed Claude Code CLI: the pinned devDependency, or another version (see scripts/compat-claude.ts). */
export interface ClaudeCodeInstall {
  version: string;
  /** The `claude` executable. */
  bin: string;
}

/** The version package.json pins, from node_modules (installed by `npm ci`). */
export function pinnedClaudeCode(): ClaudeCodeInstall {
  const root = packagePath("node_modules/@anthropic-ai/claude-code");
  const { version } = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { version: string };
  return { version, bin: packagePath("node_modules/.bin/claude") };
}

const PACKAGE = "@anthropic-ai/claude-code";

/** The newest release on the npm registry (`npm view`). */
export async function latestClaudeCodeVersion(): Promise<string> {
  const { stdout } = await execa("npm", ["view", PACKAGE, "version"]);
  return stdout.trim();
}

/**
 * Installs a Claude Code release from the npm registry (its platform binary comes as an optional dependency)
 * into ~/.cache/tunelab/claude-code/VERSION, once; later calls reuse it.
 */
export async function installClaudeCode(version: string, say: (line: string) => void = () => {}): Promise<ClaudeCodeInstall> {
  const dir = cacheDir("claude-code", version);
  const bin = join(dir, "node_modules", ".bin", "claude");
  mkdirSync(dirname(dir), { recursive: true });
  await withLock(`${dir}.lock`, async () => {
    if (existsSync(bin)) return;
    say(`installing ${PACKAGE}@${version} into ${dir}`);
    const staging = `${dir}.tmp-${process.pid}`;
    rmSync(staging, { recursive: true, force: true });
    mkdirSync(staging, { recursive: true });
    await execa("npm", ["install", "--prefix", staging, "--no-save", "--no-audit", "--no-fund", `${PACKAGE}@${version}`]);
    renameSync(staging, dir);
  });
  const { stdout } = await execa(bin, ["--version"]);
  if (!stdout.startsWith(version)) throw new Error(`${bin} --version says ${JSON.stringify(stdout)}, expected ${version} (did its postinstall run?)`);
  return { version, bin };
}

/** Claude Code's `--output-format stream-json` lines (system init, assistant and user turns, the final result). */
export interface ClaudeEvent {
  type: string;
  subtype?: string;
  message?: { role?: string; content?: { type: string; text?: string; name?: string; input?: unknown }[] };
  [key: string]: unknown;
}

export interface ClaudeResult extends ClaudeEvent {
  type: "result";
  is_error?: boolean;
  result?: string;
  num_turns?: number;
  /** Newer releases name the error kind, e.g. `max_output_tokens`. */
  api_error?: string | null;
}

export interface ClaudeRunOptions {
  /** The Anthropic-compatible base URL (`bench claude --url`). */
  baseUrl: string;
  prompt: string;
  /** The project directory Claude Code works in. */
  cwd: string;
  claude?: ClaudeCodeInstall;
  /** `bench claude --max-output-tokens` (CLAUDE_CODE_MAX_OUTPUT_TOKENS). */
  maxOutputTokens?: number;
  /** More `bench claude` options, before `--exec`. */
  benchArgs?: string[];
  /** More `claude` arguments, after the prompt. */
  claudeArgs?: string[];
  timeoutMs?: number;
}

export interface ClaudeRun {
  version: string;
  exitCode: number | undefined;
  timedOut: boolean;
  durationMs: number;
  events: ClaudeEvent[];
  result: ClaudeResult | undefined;
  stdout: string;
  stderr: string;
}

/**
 * Runs the real Claude Code CLI headless, started through `bench claude --exec` so the environment that
 * command builds is what gets tested: `claude -p PROMPT --output-format stream-json --verbose`, HOME in a
 * fresh temp dir, CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1, and none of the caller's ANTHROPIC_* or
 * CLAUDE* variables. The chosen `claude` comes first on PATH.
 */
export async function runClaudeCode(options: ClaudeRunOptions): Promise<ClaudeRun> {
  const claude = options.claude ?? pinnedClaudeCode();
  const home = mkdtempSync(join(tmpdir(), "tunelab-claude-home-"));
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined && !/^(ANTHROPIC_|CLAUDE)/.test(key)) env[key] = value;
  Object.assign(env, { HOME: home, PATH: [dirname(claude.bin), env.PATH].join(delimiter), CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1", NO_COLOR: "1" });
  const benchArgs = ["claude", "--url", options.baseUrl, ...(options.maxOutputTokens ? ["--max-output-tokens", String(options.maxOutputTokens)] : []), ...(options.benchArgs ?? [])];
  const claudeArgs = ["-p", options.prompt, "--output-format", "stream-json", "--verbose", ...(options.claudeArgs ?? [])];
  const started = Date.now();
  // Its own process group, so a timeout stops bench and the claude it started together.
  const child = execa(process.execPath, [BENCH_BIN, ...benchArgs, "--exec", "--", ...claudeArgs], {
    cwd: options.cwd,
    env,
    extendEnv: false,
    reject: false,
    stdin: "ignore",
    detached: true,
  });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    if (child.pid) process.kill(-child.pid, "SIGKILL");
  }, options.timeoutMs ?? 360_000);
  const result = await child;
  clearTimeout(timer);
  rmSync(home, { recursive: true, force: true });
  const stdout = String(result.stdout ?? "");
  const events = parseEvents(stdout);
  return {
    version: claude.version,
    exitCode: result.exitCode,
    timedOut,
    durationMs: Date.now() - started,
    events,
    result: events.findLast((e): e is ClaudeResult => e.type === "result"),
    stdout,
    stderr: String(result.stderr ?? ""),
  };
}

function parseEvents(stdout: string): ClaudeEvent[] {
  const events: ClaudeEvent[] = [];
  for (const line of stdout.split("\n")) {
    if (!line.startsWith("{")) continue;
    try {
      events.push(JSON.parse(line) as ClaudeEvent);
    } catch {
      /* a partial line from a killed run */
    }
  }
  return events;
}

/** The text blocks of Claude Code's assistant turns, in order. */
export function assistantTexts(run: ClaudeRun): string[] {
  return run.events
    .filter((e) => e.type === "assistant")
    .flatMap((e) => e.message?.content ?? [])
    .flatMap((block) => (block.type === "text" && block.text ? [block.text] : []));
}

/** One line for failure messages: how the run ended and the end of what it printed. */
export function describeRun(run: ClaudeRun): string {
  const end = run.timedOut ? "timed out" : `exit ${run.exitCode}`;
  return `Claude Code ${run.version}, ${end} after ${run.durationMs} ms; result: ${JSON.stringify(run.result?.result ?? null)}; stderr tail: ${run.stderr.slice(-600)}`;
}
