import { z } from "zod";
import { plainRequests } from "./chat.ts";
import { commonOptions, repetitionsOf, sameNamed } from "./options.ts";
import { runScenario } from "./scenario.ts";
import { runRequests } from "./user-lanes.ts";
import type { Suite } from "./types.ts";

const Options = z.strictObject({
  /** Short prompt: this suite measures generation, not prefill. */
  prompt_tokens: z.number().int().positive().default(64),
  /** Fixed output length (ignore_eos), so every request decodes the same number of tokens. */
  output_tokens: z.number().int().min(2).default(256),
  requests: z.number().int().positive().default(3),
  warmup: z.number().int().nonnegative().default(1),
  ...commonOptions,
});
type Options = z.infer<typeof Options>;

/** Single-user decode speed: one request at a time, fixed output length. */
export const decodeSuite: Suite<Options> = {
  kind: "decode",
  description: "single-user decode speed: one request at a time, fixed output length (ignore_eos)",
  options: Options,
  // `concurrency` is not honoured: this suite is single-user by definition (the concurrency suite varies it).
  clientParams: sameNamed("prompt_tokens", "output_tokens", "requests"),
  async run(ctx, opts) {
    const { output_tokens: output, prompt_tokens: prompt } = opts;
    const outcome = await runScenario(ctx, {
      name: `o${output}`,
      concurrency: 1,
      repetitions: repetitionsOf(ctx, opts),
      resetCache: opts.reset_cache,
      slo: opts.slo,
      async run(_rep, measure) {
        const requests = await plainRequests(ctx, opts.warmup + opts.requests, prompt, output);
        if (opts.warmup) await runRequests(ctx, requests.slice(0, opts.warmup), 1);
        return { records: await measure(() => runRequests(ctx, requests.slice(opts.warmup), 1)) };
      },
    });
    return [outcome];
  },
};
