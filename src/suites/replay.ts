import { z } from "zod";
import { chatTokenIds } from "../client/chat-tokens.ts";
import { streamMessagesPayload } from "../client/anthropic-messages.ts";
import { resetPrefixCache } from "../client/cache-reset.ts";
import { contextWindow } from "../client/context-window.ts";
import { streamChatPayload } from "../client/openai-chat.ts";
import type { ChatTokenizer } from "../doctor/engine-tokens.ts";
import { replayOutcomes, type ReplayRep } from "../replay/outcomes.ts";
import { planReplay } from "../replay/plan.ts";
import { runLanes, type Send } from "../replay/scheduler.ts";
import { cachedTrace } from "../replay/trace-source.ts";
import type { Trace } from "../trace/schema.ts";
import { synthesizeTrace } from "../trace/synth/synthesize.ts";
import { commonOptions, repetitionsOf, sameNamed } from "./options.ts";
import { newSalt } from "./prompt.ts";
import { apiOf } from "./send.ts";
import { ServerMeter } from "./server-meter.ts";
import type { Suite, SuiteContext } from "./types.ts";

/** `trace: synth`: a trace made on the spot from the lab's Claude Code workload model (bench trace synth's options). */
const SynthOptions = z.strictObject({
  sessions: z.number().int().positive().default(1),
  turns: z.number().int().positive().default(6),
  subagents: z.number().int().nonnegative().default(1),
  prompt_tokens: z.number().int().positive().default(28_000),
  output_tokens: z.number().int().positive().default(200),
  tool_result_lines: z.number().int().positive().default(40),
  think_median_ms: z.number().nonnegative().default(2000),
  think_sigma: z.number().nonnegative().default(1.2),
  session_gap_ms: z.number().nonnegative().default(10_000),
  /** A new billing-header cch= per request, as Claude Code 2.1.197 sent it. */
  rotate_cch: z.boolean().default(false),
  seed: z.string().default("tunelab"),
});

/** A trace that cannot be read is reported when the grid is loaded, naming the file and line. */
const TraceOption = z.string().min(1).superRefine((trace, ctx) => {
  if (trace === "synth") return;
  try {
    cachedTrace(trace, 512);
  } catch (err) {
    ctx.addIssue({ code: "custom", message: (err as Error).message });
  }
});

const Options = z.strictObject({
  /** A trace file (the lab's JSONL, or Mooncake-style JSONL), or `synth`. Relative paths are from the working directory. */
  trace: TraceOption.default("synth"),
  synth: SynthOptions.default(SynthOptions.parse({})),
  /** Copies of the trace's sessions run at once, staggered; they share system prompt and tools, not conversations. */
  sessions: z.number().int().positive().default(1),
  /** Divides the sessions' start offsets and the stagger (and think times with think_time: scale). */
  speed: z.number().positive().default(1),
  think_time: z.enum(["keep", "none", "scale"]).default("keep"),
  /** Gap between the starts of consecutive copies. */
  stagger_ms: z.number().nonnegative().default(1000),
  /** Output length for requests whose trace recorded none. */
  output_tokens: z.number().int().positive().default(256),
  /** Tokens per Mooncake hash block. */
  block_tokens: z.number().int().positive().default(512),
  ...commonOptions,
});
type Options = z.infer<typeof Options>;

/**
 * Replays a recorded (or synthesized, or Mooncake-style) trace: each session's requests in order, each after
 * its think time, N staggered copies at once, through whatever path the point uses. Rows per context-depth
 * bucket, per turn, and a session summary with send lag and requests skipped for not fitting the context.
 */
export const replaySuite: Suite<Options> = {
  kind: "replay",
  description: "replay of recorded or synthesized Claude Code sessions with their think times: TTFT by context depth and turn, ideal vs achieved prefix-cache hit ratio",
  options: Options,
  // `concurrency` is how many users replay the trace at once (its copies); a trace brings its own prompts.
  clientParams: { concurrency: (v) => ({ sessions: v }), ...sameNamed("output_tokens") },
  columns: ["sessions", "session_wall_s", "prompt_tokens_total", "output_tokens_total", "skipped_too_long"],
  async run(ctx, opts) {
    const trace = await traceFor(ctx, opts);
    const context = await contextWindow(ctx.target);
    const tokenizer = tokenizerFor(ctx);
    const send = sender(ctx);
    const meter = new ServerMeter(ctx.target);
    const reps: ReplayRep[] = [];
    let skipped = 0;
    let cacheReset: boolean | undefined;
    const total = repetitionsOf(ctx, opts);
    for (let rep = 0; rep < total && !ctx.signal.aborted; rep++) {
      if (opts.reset_cache) cacheReset = await resetPrefixCache(ctx.target);
      ctx.onPhase(`replay rep ${rep + 1}/${total}: preparing ${trace.sessions.length * opts.sessions} sessions`);
      const plan = await planReplay(trace, { api: apiOf(ctx.target), path: ctx.target.path, engine: ctx.target.engine, model: ctx.target.model, context, tokenizer }, {
        copies: opts.sessions, staggerMs: opts.stagger_ms, speed: opts.speed, thinkTime: opts.think_time,
        defaultOutputTokens: opts.output_tokens, salt: newSalt(), timeScale: ctx.target.timeScale,
      });
      skipped = plan.skippedTooLong;
      ctx.onPhase(`replay rep ${rep + 1}/${total}: ${plan.lanes.length} sessions`);
      const replayed = await meter.measure(() => runLanes(plan.lanes, ctx.clock, send, ctx.signal));
      reps.push({ records: replayed.map((r) => r.record) });
    }
    return replayOutcomes(reps, {
      copies: opts.sessions, slo: opts.slo, skippedTooLong: skipped,
      sessionExtra: { ...meter.columns(), cache_reset: opts.reset_cache ? cacheReset : undefined },
    });
  },
};

async function traceFor(ctx: SuiteContext, opts: Options): Promise<Trace> {
  if (opts.trace !== "synth") return cachedTrace(opts.trace, opts.block_tokens);
  const s = opts.synth;
  return synthesizeTrace({
    sessions: s.sessions, turns: s.turns, subagents: s.subagents, promptTokens: s.prompt_tokens, outputTokens: s.output_tokens,
    toolResultLines: s.tool_result_lines, sessionGapMs: s.session_gap_ms, rotateCch: s.rotate_cch, seed: s.seed, model: ctx.target.model,
    think: { medianMs: s.think_median_ms, sigma: s.think_sigma, minMs: Math.min(100, s.think_median_ms), maxMs: 120_000 },
  });
}

function tokenizerFor(ctx: SuiteContext): ChatTokenizer | undefined {
  if (!ctx.target.capabilities.tokenize) return undefined;
  return (chat) => chatTokenIds(ctx.target, { messages: chat.messages, tools: chat.tools });
}

function sender(ctx: SuiteContext): Send {
  const opts = { signal: ctx.signal };
  if (apiOf(ctx.target) === "anthropic") return (payload) => streamMessagesPayload(ctx.target, payload, ctx.clock, opts);
  return (payload) => streamChatPayload(ctx.target, payload, ctx.clock, opts);
}
