import { newSalt } from "./prompt.ts";
import { claudeCodeRequest, question } from "./workload/claude-code.ts";
import { sizeClaudeCode } from "./workload/sizer.ts";
import type { SuiteContext } from "./types.ts";
import type { MessagesRequest } from "./workload/types.ts";

/** One user's session: the requests in order, each sent `thinkS` after the previous one ended. */
export interface SessionScript {
  turns: Array<{ request: MessagesRequest; thinkS: number }>;
}

/**
 * Where the capacity suite's sessions come from. The synthetic source below builds Claude-Code-shaped sessions
 * (the `session` workload); a replay source (issue 11's traces) plugs in here by returning recorded sessions.
 */
export interface SessionSource {
  /** A description for the suite's rows (e.g. "synthetic 25000+6x60 lines"). */
  readonly name: string;
  /** `count` different sessions (no shared prefix beyond what real users would share). */
  sessions(count: number): Promise<SessionScript[]>;
}

export interface SyntheticOptions {
  prompt_tokens: number;
  turns: number;
  tool_result_lines: number;
  output_tokens: number;
  think_s: number;
}

/**
 * Claude-Code-shaped sessions of the `session` workload: a first request of `prompt_tokens` (sized once in the
 * engine's tokenizer; each session's own salt moves it by a few tokens), then one tool round trip more per turn.
 * Each user thinks `think_s` between turns; users start staggered over one think time, as real users do.
 */
export async function syntheticSessions(ctx: SuiteContext, o: SyntheticOptions): Promise<SessionSource> {
  const salt = newSalt();
  const sized = await sizeClaudeCode(ctx.target, { model: ctx.target.model, salt, question: question(`${salt}/0`), maxTokens: o.output_tokens, toolResultLines: o.tool_result_lines }, o.prompt_tokens);
  return {
    name: `synthetic ${o.prompt_tokens} tokens + ${o.turns - 1} tool round trips`,
    async sessions(count) {
      return Array.from({ length: count }, (_, i): SessionScript => {
        const s = newSalt();
        const shape = { model: ctx.target.model, salt: s, question: question(`${s}/0`), filler: sized.filler, maxTokens: o.output_tokens, toolResultLines: o.tool_result_lines };
        return {
          turns: Array.from({ length: o.turns }, (_, t) => ({
            request: { ...claudeCodeRequest({ ...shape, history: t }), ignore_eos: true },
            thinkS: t === 0 ? (o.think_s * i) / count : o.think_s,
          })),
        };
      });
    },
  };
}
