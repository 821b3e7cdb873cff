import { z } from "zod";
import { streamMessages } from "../client/anthropic-messages.ts";
import { streamChat } from "../client/openai-chat.ts";
import type { RequestRecord } from "../client/types.ts";
import { badInput } from "../errors.ts";
import { itlMs } from "../metrics/itl.ts";
import { mean, percentile } from "../metrics/percentile.ts";
import { ttftMs } from "../metrics/ttft.ts";
import type { Repetition } from "../metrics/summarize.ts";
import { plainRequests } from "./chat.ts";
import { commonOptions, repetitionsOf, sameNamed } from "./options.ts";
import { apiOf } from "./send.ts";
import { openUserLanes } from "./user-lanes.ts";
import type { ScenarioOutcome, Suite, SuiteContext } from "./types.ts";
import { toOpenAi } from "./workload/to-openai.ts";

const Options = z.strictObject({
  prompt_tokens: z.number().int().positive().default(256),
  output_tokens: z.number().int().min(2).default(32),
  /** Pairs of requests: one direct, one through the proxy, interleaved so drift hits both alike. */
  requests: z.number().int().positive().default(10),
  ...commonOptions,
});
type Options = z.infer<typeof Options>;

/** The proxy to measure: the target itself when it is one, else the built-in proxy started in front of the engine. */
async function proxyUnderTest(ctx: SuiteContext, engineUrl: string): Promise<{ url: string; close(): Promise<void> }> {
  if (apiOf(ctx.target) === "anthropic" && ctx.target.path !== "native") return { url: ctx.target.baseUrl, close: async () => {} };
  const { startProxy } = await import("../proxy/index.ts");
  const proxy = await startProxy({ upstream: engineUrl, port: 0, upstreamKey: ctx.target.apiKey });
  return { url: proxy.url, close: () => proxy.close() };
}

/**
 * What the proxy adds, in the same run: the same cached prompt sent alternately straight to the engine's OpenAI
 * API and through the proxy's Anthropic API. Rows `direct` and `proxy`; the proxy row carries the added TTFT
 * (median difference) and the added per-chunk delay (mean ITL difference).
 */
export const proxySuite: Suite<Options> = {
  kind: "proxy",
  description: "added TTFT and per-chunk delay of the Claude-compatible proxy against direct, in the same run",
  options: Options,
  clientParams: sameNamed("prompt_tokens", "output_tokens", "requests"),
  columns: ["proxy_added_ttft_ms", "proxy_added_itl_ms"],
  async run(ctx, opts) {
    const engineUrl = ctx.target.directUrl ?? (apiOf(ctx.target) === "openai" ? ctx.target.baseUrl : undefined);
    if (!engineUrl) throw badInput("the proxy suite needs the engine's own URL", "run it from a grid, or `bench run` against the engine");
    const proxy = await proxyUnderTest(ctx, engineUrl);
    const direct = { ...ctx.target, baseUrl: engineUrl };
    const viaProxy = { ...ctx.target, baseUrl: proxy.url };
    const reps: Array<{ direct: Repetition; proxy: Repetition }> = [];
    try {
      for (let rep = 0; rep < repetitionsOf(ctx, opts); rep++) {
        ctx.onPhase(`proxy rep ${rep + 1}: ${opts.requests} pairs`);
        const [req] = await plainRequests(ctx, 1, opts.prompt_tokens, opts.output_tokens);
        const body = toOpenAi(req) as unknown as Record<string, unknown>;
        const { lanes: [lane] } = await openUserLanes(ctx, 1);
        const send = {
          direct: () => lane.call((gateWaitNs, sim) => streamChat(direct, body, ctx.clock, { signal: ctx.signal, gateWaitNs, sim, timeoutMs: ctx.target.requestTimeoutMs })),
          proxy: () => lane.call((gateWaitNs, sim) => streamMessages(viaProxy, req as unknown as Record<string, unknown>, ctx.clock, { signal: ctx.signal, gateWaitNs, sim, timeoutMs: ctx.target.requestTimeoutMs })),
        };
        const d: RequestRecord[] = [];
        const p: RequestRecord[] = [];
        try {
          await send.direct(); // primes the prefix cache so both paths measure the same (cached) prefill
          await send.proxy();
          for (let i = 0; i < opts.requests && !ctx.signal.aborted; i++) {
            d.push(await send.direct());
            p.push(await send.proxy());
          }
        } finally {
          await lane.close();
        }
        reps.push({ direct: { records: d }, proxy: { records: p } });
      }
    } finally {
      await proxy.close();
    }
    return outcomes(reps, opts);
  },
};

function outcomes(reps: Array<{ direct: Repetition; proxy: Repetition }>, opts: Options): ScenarioOutcome[] {
  const all = (which: "direct" | "proxy") => reps.flatMap((r) => r[which].records);
  const ttft = (which: "direct" | "proxy") => percentile(ttftMs(all(which)), 50);
  const itl = (which: "direct" | "proxy") => mean(itlMs(all(which)));
  const diff = (a?: number, b?: number) => (a === undefined || b === undefined ? undefined : a - b);
  return [
    { scenario: "direct", concurrency: 1, repetitions: reps.map((r) => r.direct), slo: opts.slo },
    {
      scenario: "proxy", concurrency: 1, repetitions: reps.map((r) => r.proxy), slo: opts.slo,
      extra: { proxy_added_ttft_ms: diff(ttft("proxy"), ttft("direct")), proxy_added_itl_ms: diff(itl("proxy"), itl("direct")) },
    },
  ];
}
