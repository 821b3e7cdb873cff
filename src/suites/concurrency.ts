import { z } from "zod";
import { plainRequests } from "./chat.ts";
import { commonOptions, repetitionsOf, sameNamed } from "./options.ts";
import { runScenario } from "./scenario.ts";
import { runRequests } from "./user-lanes.ts";
import type { ScenarioOutcome, Suite } from "./types.ts";

const Options = z.strictObject({
  /** Simultaneous users per scenario; a grid's `concurrency` parameter replaces the list with its one value. */
  levels: z.array(z.number().int().positive()).min(1).default([1, 2, 5, 10, 20]),
  /** Requests each user sends per repetition (so a level sends levels x this many). */
  requests_per_user: z.number().int().positive().default(2),
  prompt_tokens: z.number().int().positive().default(512),
  output_tokens: z.number().int().min(2).default(128),
  ...commonOptions,
});
type Options = z.infer<typeof Options>;

/** Aggregate and per-user throughput and TTFT under load, at each concurrency level. */
export const concurrencySuite: Suite<Options> = {
  kind: "concurrency",
  description: "N simultaneous users: aggregate and per-user output tok/s and TTFT under load, per level",
  options: Options,
  // `requests` is not honoured: a level sends levels x requests_per_user, which one total cannot say.
  clientParams: { ...sameNamed("prompt_tokens", "output_tokens"), concurrency: (value) => ({ levels: [value] }) },
  async run(ctx, opts) {
    const { levels, prompt_tokens: prompt, output_tokens: output } = opts;
    const outcomes: ScenarioOutcome[] = [];
    for (const level of levels) {
      outcomes.push(await runScenario(ctx, {
        name: `c${level}`,
        concurrency: level,
        repetitions: repetitionsOf(ctx, opts),
        resetCache: opts.reset_cache,
        slo: opts.slo,
        async run(_rep, measure) {
          // One warmup request per user, so every level starts with connections open and slots busy.
          const requests = await plainRequests(ctx, level * (opts.requests_per_user + 1), prompt, output);
          await runRequests(ctx, requests.slice(0, level), level);
          return { records: await measure(() => runRequests(ctx, requests.slice(level), level)) };
        },
      }));
    }
    return outcomes;
  },
};
