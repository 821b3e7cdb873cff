import { z } from "zod";
import { newCch, sizedSession } from "./claude-code-requests.ts";
import { commonOptions, repetitionsOf, sameNamed } from "./options.ts";
import { runScenario, type Measure } from "./scenario.ts";
import { runRequests } from "./user-lanes.ts";
import type { ScenarioOutcome, Suite, SuiteContext } from "./types.ts";
import type { Repetition } from "../metrics/summarize.ts";
import type { MessagesRequest } from "./workload/types.ts";

const Scenario = z.enum(["cold", "warm", "billing"]);
type Scenario = z.infer<typeof Scenario>;

const Options = z.strictObject({
  /** Claude-Code-shaped prompt size (system + tools + first turn), exact in the engine's tokenizer. */
  prompt_tokens: z.number().int().positive().default(25000),
  output_tokens: z.number().int().positive().default(8),
  /** Measured requests per scenario and repetition. */
  requests: z.number().int().positive().default(3),
  scenarios: z.array(Scenario).min(1).default(["cold", "warm", "billing"]),
  ...commonOptions,
});
type Options = z.infer<typeof Options>;

/**
 * cold: every request has its own prefix. warm: one long prefix, a new question each time (after one priming
 * request). billing: like warm, but the billing-header block carries a new `cch=` per request, as Claude Code
 * sends it: the prefix is busted unless something (a proxy, llama.cpp's /v1/messages) normalizes it.
 */
async function repetition(ctx: SuiteContext, opts: Options, scenario: Scenario, measure: Measure): Promise<Repetition> {
  const base = { maxTokens: opts.output_tokens };
  if (scenario === "cold") {
    const requests: MessagesRequest[] = [];
    for (let i = 0; i < opts.requests; i++) requests.push((await sizedSession(ctx, opts.prompt_tokens, base)).request());
    return { records: await measure(() => runRequests(ctx, requests, 1)) };
  }
  const billing = scenario === "billing";
  const session = await sizedSession(ctx, opts.prompt_tokens, { ...base, ...(billing ? { cch: newCch() } : {}) });
  await runRequests(ctx, [session.request()], 1); // primes the prefix (not measured)
  const requests: MessagesRequest[] = [];
  for (let i = 1; i <= opts.requests; i++) requests.push(await session.exact(`${session.salt}/${i}`, billing ? { cch: newCch() } : {}));
  return { records: await measure(() => runRequests(ctx, requests, 1)) };
}

/** Time to first token on a Claude-Code-shaped prompt: cold, warm (shared prefix) and with a rotating billing header. */
export const ttftSuite: Suite<Options> = {
  kind: "ttft",
  description: "TTFT of a Claude-Code-shaped prompt: cold (unique prefix), warm (shared prefix), billing (rotating cch)",
  options: Options,
  // `concurrency` is not honoured: TTFT is measured one request at a time, so it is never queueing.
  clientParams: sameNamed("prompt_tokens", "output_tokens", "requests"),
  async run(ctx, opts) {
    const outcomes: ScenarioOutcome[] = [];
    for (const scenario of opts.scenarios) {
      outcomes.push(await runScenario(ctx, {
        name: scenario,
        concurrency: 1,
        repetitions: repetitionsOf(ctx, opts),
        resetCache: opts.reset_cache,
        slo: opts.slo,
        run: (_rep, measure) => repetition(ctx, opts, scenario, measure),
      }));
    }
    return outcomes;
  },
};
