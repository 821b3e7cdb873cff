import pLimit from "p-limit";
import { z } from "zod";
import { streamChat } from "../client/openai-chat.ts";
import type { RequestRecord } from "../client/types.ts";
import { newSalt, sizedPrompt } from "./prompt.ts";
import type { ScenarioOutcome, Suite, SuiteContext } from "./types.ts";

const Options = z.strictObject({
  requests: z.number().int().positive().default(8),
  prompt_tokens: z.number().int().positive().default(256),
  output_tokens: z.number().int().positive().default(64),
  concurrency: z.number().int().positive().default(1),
  /** Requests sent (and not measured) before each repetition. */
  warmup: z.number().int().nonnegative().default(1),
});
type Options = z.infer<typeof Options>;

/** Runs `requests` streaming requests with at most `concurrency` in flight; each gets its own unique prompt. */
export async function runBatch(
  ctx: SuiteContext,
  bodies: Array<Record<string, unknown>>,
  concurrency: number,
): Promise<RequestRecord[]> {
  const gate = pLimit(concurrency);
  return Promise.all(
    bodies.map((body) => {
      const queued = ctx.clock.now();
      return gate(() => streamChat(ctx.target, body, ctx.clock, { gateWaitNs: ctx.clock.now() - queued, signal: ctx.signal }));
    }),
  );
}

export function chatBody(ctx: SuiteContext, prompt: string, outputTokens: number): Record<string, unknown> {
  return {
    model: ctx.target.model,
    messages: [{ role: "user", content: prompt }],
    max_tokens: outputTokens,
    ignore_eos: true,
    temperature: 0,
  };
}

/** The spine's suite: N streaming chat requests at a given prompt and output size and concurrency. */
export const chatSuite: Suite<Options> = {
  kind: "chat",
  description: "N streaming chat requests at a fixed prompt and output size, at a given concurrency",
  options: Options,
  async run(ctx, raw) {
    const opts = { ...raw, ...pickNumbers(ctx.client, ["requests", "prompt_tokens", "output_tokens", "concurrency"]) };
    const repetitions: ScenarioOutcome["repetitions"] = [];
    for (let rep = 0; rep < ctx.repetitions; rep++) {
      ctx.onPhase(`chat rep ${rep + 1}/${ctx.repetitions}: preparing prompts`);
      const prompts = await Promise.all(
        Array.from({ length: opts.warmup + opts.requests }, () => sizedPrompt(ctx.target, opts.prompt_tokens, newSalt())),
      );
      const bodies = prompts.map((p) => chatBody(ctx, p.text, opts.output_tokens));
      if (opts.warmup) await runBatch(ctx, bodies.slice(0, opts.warmup), opts.concurrency);
      ctx.onPhase(`chat rep ${rep + 1}/${ctx.repetitions}: ${opts.requests} requests x${opts.concurrency}`);
      const records = await runBatch(ctx, bodies.slice(opts.warmup), opts.concurrency);
      repetitions.push({ records });
    }
    return [{ scenario: `p${opts.prompt_tokens}-o${opts.output_tokens}`, concurrency: opts.concurrency, repetitions }];
  },
};

export function pickNumbers(params: Record<string, unknown>, names: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const name of names) if (typeof params[name] === "number") out[name] = params[name] as number;
  return out;
}
