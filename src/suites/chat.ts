import { z } from "zod";
import { newSalt, sizedUserPrompt } from "./prompt.ts";
import { commonOptions, repetitionsOf, sameNamed } from "./options.ts";
import { runScenario } from "./scenario.ts";
import { plainRequest } from "./send.ts";
import { runRequests } from "./user-lanes.ts";
import type { Suite, SuiteContext } from "./types.ts";
import type { MessagesRequest } from "./workload/types.ts";

const Options = z.strictObject({
  requests: z.number().int().positive().default(8),
  prompt_tokens: z.number().int().positive().default(256),
  output_tokens: z.number().int().positive().default(64),
  concurrency: z.number().int().positive().default(1),
  /** Requests sent (and not measured) before each repetition. */
  warmup: z.number().int().nonnegative().default(1),
  ...commonOptions,
  reset_cache: z.boolean().default(false),
});
type Options = z.infer<typeof Options>;

/** `count` single-message requests, each with its own fresh salt (so none hits the prefix cache). */
export async function plainRequests(ctx: SuiteContext, count: number, promptTokens: number, outputTokens: number): Promise<MessagesRequest[]> {
  const prompts = await Promise.all(Array.from({ length: count }, () => sizedUserPrompt(ctx.target, promptTokens, newSalt())));
  return prompts.map((p) => plainRequest(ctx.target.model, p.text, outputTokens));
}

/** The spine's suite: N streaming requests at a fixed prompt and output size and concurrency. */
export const chatSuite: Suite<Options> = {
  kind: "chat",
  description: "N streaming chat requests at a fixed prompt and output size, at a given concurrency",
  options: Options,
  clientParams: sameNamed("requests", "prompt_tokens", "output_tokens", "concurrency"),
  async run(ctx, opts) {
    const outcome = await runScenario(ctx, {
      name: `p${opts.prompt_tokens}-o${opts.output_tokens}`,
      concurrency: opts.concurrency,
      repetitions: repetitionsOf(ctx, opts),
      resetCache: opts.reset_cache,
      slo: opts.slo,
      async run(_rep, measure) {
        const requests = await plainRequests(ctx, opts.warmup + opts.requests, opts.prompt_tokens, opts.output_tokens);
        if (opts.warmup) await runRequests(ctx, requests.slice(0, opts.warmup), opts.concurrency);
        return { records: await measure(() => runRequests(ctx, requests.slice(opts.warmup), opts.concurrency)) };
      },
    });
    return [outcome];
  },
};
