import { z } from "zod";
import { streamMessages } from "../client/anthropic-messages.ts";
import { streamChat } from "../client/openai-chat.ts";
import type { StreamOptions } from "../client/stream-request.ts";
import type { RequestRecord } from "../client/types.ts";
import { badInput } from "../errors.ts";
import { addedMeanMs, addedPercentileMs } from "../metrics/added-latency.ts";
import { itlMs } from "../metrics/itl.ts";
import { ttftMs } from "../metrics/ttft.ts";
import type { Repetition } from "../metrics/summarize.ts";
import { plainRequests } from "./chat.ts";
import { commonOptions, repetitionsOf, sameNamed } from "./options.ts";
import { apiOf, reportTimeout } from "./send.ts";
import { openUserLanes } from "./user-lanes.ts";
import type { ScenarioOutcome, Suite, SuiteContext } from "./types.ts";
import { toOpenAi } from "./workload/to-openai.ts";
import type { MessagesRequest } from "./workload/types.ts";

const Level = z.number().int().positive();
const Options = z.strictObject({
  prompt_tokens: z.number().int().positive().default(256),
  output_tokens: z.number().int().min(2).default(32),
  /** Requests per path at each concurrency level, sent in rounds of `concurrency`, the paths taking turns. */
  requests: z.number().int().positive().default(10),
  /** Concurrent streams per path: one level or several (each its own rows). */
  concurrency: z.union([Level, z.array(Level).min(1)]).default(1),
  /** Proxies the lab starts in front of the engine and measures side by side: `proxy` (its own), `litellm`, `ccr`. */
  proxies: z.array(z.string().min(1)).min(1).default(["proxy"]),
  ...commonOptions,
});
type Options = z.infer<typeof Options>;

/** One way to the engine: straight (OpenAI) or through a proxy (Anthropic), sending the rep's one request. */
interface Way {
  name: string;
  /** `lane`: the user lane's gate wait and, on the simulator, its claimed arrival (see user-lanes.ts). */
  send(req: MessagesRequest, lane?: Pick<StreamOptions, "gateWaitNs" | "sim">): Promise<RequestRecord>;
}

/** The proxies to measure: the target itself when it is one (a grid's `path`), else those of `proxies`, started by the lab. */
async function proxyWays(ctx: SuiteContext, opts: Options): Promise<Way[]> {
  const through = (name: string, baseUrl: string, frontKey?: string): Way => ({
    name,
    send: async (req, lane) => reportTimeout(ctx, await streamMessages({ ...ctx.target, baseUrl, frontKey }, req as unknown as Record<string, unknown>, ctx.clock, { ...lane, signal: ctx.signal, timeoutMs: ctx.target.requestTimeoutMs })),
  });
  if (apiOf(ctx.target) === "anthropic" && ctx.target.path !== "native") {
    return [through(/^https?:/.test(ctx.target.path) ? "proxy" : ctx.target.path, ctx.target.baseUrl, ctx.target.frontKey)];
  }
  if (!ctx.openFront) throw badInput("the proxy suite cannot start proxies here", "run it from a grid, or `bench run` against the engine's OpenAI API");
  const ways: Way[] = [];
  for (const kind of opts.proxies) {
    ctx.onPhase(`starting ${kind} in front of the engine`);
    const front = await ctx.openFront(kind);
    ways.push(through(kind, front.url, front.apiKey));
  }
  return ways;
}

/**
 * What proxies add, in the same run: one cached prompt sent straight to the engine's OpenAI API and through each
 * proxy's Anthropic API, in rounds of `concurrency` streams per path with the paths taking turns (rotating who
 * goes first), so drift and load hit all alike. Rows `direct` and one per proxy at each concurrency level; a
 * proxy's row carries its added TTFT (p50 and p99 differences) and added per-chunk delay (mean ITL difference).
 */
export const proxySuite: Suite<Options> = {
  kind: "proxy",
  description: "added TTFT and per-chunk delay of Claude-compatible proxies against direct, side by side in the same run",
  options: Options,
  clientParams: sameNamed("prompt_tokens", "output_tokens", "requests", "concurrency"),
  columns: ["proxy_added_ttft_ms", "proxy_added_itl_ms", "proxy_added_ttft_ms_p99"],
  async run(ctx, opts) {
    const engineUrl = ctx.target.directUrl ?? (apiOf(ctx.target) === "openai" ? ctx.target.baseUrl : undefined);
    if (!engineUrl) throw badInput("the proxy suite needs the engine's own URL", "run it from a grid, or `bench run` against the engine");
    const direct: Way = {
      name: "direct",
      send: async (req, lane) => reportTimeout(ctx, await streamChat({ ...ctx.target, baseUrl: engineUrl, frontKey: undefined }, toOpenAi(req) as unknown as Record<string, unknown>, ctx.clock, { ...lane, signal: ctx.signal, timeoutMs: ctx.target.requestTimeoutMs })),
    };
    const ways = [direct, ...(await proxyWays(ctx, opts))];
    const levels = Array.isArray(opts.concurrency) ? opts.concurrency : [opts.concurrency];
    const outcomes: ScenarioOutcome[] = [];
    for (const level of levels) outcomes.push(...(await measureLevel(ctx, opts, ways, level)));
    return outcomes;
  },
};

async function measureLevel(ctx: SuiteContext, opts: Options, ways: Way[], level: number): Promise<ScenarioOutcome[]> {
  const reps = new Map<string, Repetition[]>(ways.map((w) => [w.name, []]));
  const rounds = Math.ceil(opts.requests / level);
  for (let rep = 0; rep < repetitionsOf(ctx, opts) && !ctx.signal.aborted; rep++) {
    ctx.onPhase(`proxy c${level} rep ${rep + 1}: ${rounds} round(s) x ${ways.length} paths`);
    const [req] = await plainRequests(ctx, 1, opts.prompt_tokens, opts.output_tokens);
    // `level` users, each sending its streams one after the other (on the simulator, each a lane on its clock)
    const { lanes } = await openUserLanes(ctx, level);
    const round = (way: Way) => Promise.all(lanes.map((lane) => lane.call((gateWaitNs, sim) => way.send(req, { gateWaitNs, sim }))));
    const records = new Map<string, RequestRecord[]>(ways.map((w) => [w.name, []]));
    try {
      // one unmeasured round primes every slot's prefix cache and every path's connections: all measure the same cached prefill
      for (const way of ways) await round(way);
      for (let r = 0; r < rounds && !ctx.signal.aborted; r++) {
        for (let i = 0; i < ways.length; i++) {
          const way = ways[(r + i) % ways.length];
          records.get(way.name)!.push(...(await round(way)));
        }
      }
    } finally {
      await Promise.all(lanes.map((lane) => lane.close()));
    }
    for (const way of ways) reps.get(way.name)!.push({ records: records.get(way.name)! });
  }
  const all = (name: string) => reps.get(name)!.flatMap((r) => r.records);
  const directTtft = ttftMs(all("direct"));
  const directItl = itlMs(all("direct"));
  return ways.map((way) => ({
    scenario: way.name, concurrency: level, repetitions: reps.get(way.name)!, slo: opts.slo,
    extra: way.name === "direct" ? {} : {
      proxy_added_ttft_ms: addedPercentileMs(ttftMs(all(way.name)), directTtft, 50),
      proxy_added_ttft_ms_p99: addedPercentileMs(ttftMs(all(way.name)), directTtft, 99),
      proxy_added_itl_ms: addedMeanMs(itlMs(all(way.name)), directItl),
    },
  }));
}
