import { z } from "zod";
import { toolCallsOkRatio } from "../metrics/tool-calls.ts";
import { acrossRepetitions } from "../metrics/repetitions.ts";
import { sizedSession } from "./claude-code-requests.ts";
import { commonOptions, repetitionsOf, sameNamed } from "./options.ts";
import { runScenario } from "./scenario.ts";
import { apiOf } from "./send.ts";
import { runRequests } from "./user-lanes.ts";
import type { Suite, SuiteContext } from "./types.ts";
import type { MessagesRequest, ToolChoice } from "./workload/types.ts";

const Options = z.strictObject({
  prompt_tokens: z.number().int().positive().default(8000),
  /** Room for the call's arguments; the latency measured is to the finished response. */
  output_tokens: z.number().int().positive().default(256),
  requests: z.number().int().positive().default(3),
  /** The tool the request forces. */
  tool: z.string().default("Read"),
  ...commonOptions,
});
type Options = z.infer<typeof Options>;

/**
 * Forces one named tool. llama.cpp's OpenAI endpoint only takes string tool_choice values and silently reads
 * an object as "auto", so there the closest force is "required" (its /v1/messages maps {type: tool} the same way).
 */
function forcing(ctx: SuiteContext, tool: string): ToolChoice {
  const llamacpp = ctx.target.engine === "llamacpp" || ctx.target.capabilities.tokenize === "llamacpp";
  return llamacpp && apiOf(ctx.target) === "openai" ? { type: "any" } : { type: "tool", name: tool };
}

/** Round trip to a complete tool call on a Claude-Code-shaped prompt, and whether a parsable call came back. */
export const toolcallSuite: Suite<Options> = {
  kind: "toolcall",
  description: "round trip to a complete, forced tool call on a Claude-Code-shaped prompt; tool_calls_ok = parsable share",
  options: Options,
  clientParams: sameNamed("prompt_tokens", "output_tokens", "requests"),
  columns: ["tool_calls_ok"],
  async run(ctx, opts) {
    const outcome = await runScenario(ctx, {
      name: `tool-${opts.tool}`,
      concurrency: 1,
      repetitions: repetitionsOf(ctx, opts),
      resetCache: opts.reset_cache,
      slo: opts.slo,
      async run(_rep, measure) {
        const session = await sizedSession(ctx, opts.prompt_tokens, { maxTokens: opts.output_tokens, toolChoice: forcing(ctx, opts.tool) }, { ignoreEos: false });
        if (!session.request().tools?.some((t) => t.name === opts.tool)) {
          throw new Error(`toolcall: tool '${opts.tool}' is not in the request (prompt_tokens too small to keep it?)`);
        }
        // Priming request: the scenario measures the call, not the cold prefill of the tool definitions.
        await runRequests(ctx, [session.request()], 1);
        const requests: MessagesRequest[] = [];
        for (let i = 1; i <= opts.requests; i++) requests.push(await session.exact(`${session.salt}/${i}`));
        return { records: await measure(() => runRequests(ctx, requests, 1)) };
      },
      extra: (reps) => ({ tool_calls_ok: acrossRepetitions(reps.map((r) => toolCallsOkRatio(r.records) ?? 0)).median }),
    });
    return [outcome];
  },
};
