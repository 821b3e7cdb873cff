import { writeFileSync } from "node:fs";
import type { Command } from "commander";
import { badInput } from "../../errors.ts";
import { SYNTH_DEFAULTS } from "../../trace/synth/defaults.ts";

interface SynthFlags {
  sessions: string;
  turns: string;
  subagents: string;
  promptTokens: string;
  outputTokens: string;
  toolResultLines: string;
  thinkMedianMs: string;
  thinkSigma: string;
  sessionGapMs: string;
  seed: string;
  model: string;
  out: string;
  cch?: boolean;
}

/** `bench trace synth`: a Claude Code trace from the lab's workload model, for grids without a recording. */
export function register(program: Command): void {
  const trace = program.command("trace").description("make traces for the replay suite");
  const d = SYNTH_DEFAULTS;
  trace
    .command("synth")
    .description("synthesize Claude Code sessions (tool round trips, think times, sub-agents) as a JSONL trace")
    .requiredOption("--out <file>", "where to write the trace")
    .option("--sessions <n>", "main sessions", String(d.sessions))
    .option("--turns <m>", "requests per main session (sub-agents make half as many)", String(d.turns))
    .option("--subagents <k>", "sub-agents each session launches half-way, running alongside it", String(d.subagents))
    .option("--prompt-tokens <n>", "size of the first request (system + tools + first turn), estimated", String(d.promptTokens))
    .option("--output-tokens <n>", "median response length", String(d.outputTokens))
    .option("--tool-result-lines <n>", "median lines per tool result", String(d.toolResultLines))
    .option("--think-median-ms <ms>", "median think time between a response and the next request", String(d.think.medianMs))
    .option("--think-sigma <s>", "log-normal shape of think times", String(d.think.sigma))
    .option("--session-gap-ms <ms>", "gap between session starts", String(d.sessionGapMs))
    .option("--cch", "a new billing-header cch= on every request, as Claude Code 2.1.197 sent it (busts prefix caches that keep the header)")
    .option("--seed <text>", "same seed, same trace", d.seed)
    .option("--model <name>", "model name in the requests", d.model)
    .action(async (f: SynthFlags) => {
      const { synthesizeTrace } = await import("../../trace/synth/synthesize.ts");
      const result = await synthesizeTrace({
        sessions: whole(f.sessions, "--sessions", 1), turns: whole(f.turns, "--turns", 1), subagents: whole(f.subagents, "--subagents", 0),
        promptTokens: whole(f.promptTokens, "--prompt-tokens", 1), outputTokens: whole(f.outputTokens, "--output-tokens", 1),
        toolResultLines: whole(f.toolResultLines, "--tool-result-lines", 1), sessionGapMs: whole(f.sessionGapMs, "--session-gap-ms", 0),
        think: { ...d.think, medianMs: whole(f.thinkMedianMs, "--think-median-ms", 0), sigma: number(f.thinkSigma, "--think-sigma") },
        seed: f.seed, model: f.model, rotateCch: f.cch ?? false,
      });
      const lines = result.sessions.flatMap((s) => s.requests).map((r) => JSON.stringify(r));
      writeFileSync(f.out, lines.join("\n") + "\n");
      process.stdout.write(`${f.out}: ${result.sessions.length} sessions, ${lines.length} requests\n`);
    });
}

function whole(text: string, flag: string, min: number): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < min) throw badInput(`${flag} ${text}: expected a whole number >= ${min}`);
  return n;
}

function number(text: string, flag: string): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n < 0) throw badInput(`${flag} ${text}: expected a number >= 0`);
  return n;
}
