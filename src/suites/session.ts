import { z } from "zod";
import { resetPrefixCache } from "../client/cache-reset.ts";
import type { Repetition } from "../metrics/summarize.ts";
import { sizedSession } from "./claude-code-requests.ts";
import { commonOptions, repetitionsOf, sameNamed } from "./options.ts";
import { ServerMeter } from "./server-meter.ts";
import { openUserLanes } from "./user-lanes.ts";
import type { ScenarioOutcome, Suite } from "./types.ts";

const Options = z.strictObject({
  /** Size of the first request (system + tools + first user turn), exact in the engine's tokenizer. */
  prompt_tokens: z.number().int().positive().default(25000),
  /** Requests of the replayed session; turn k carries k-1 tool round trips of history. */
  turns: z.number().int().positive().default(6),
  /** Lines of tool output each round trip adds (about 20 tokens a line). */
  tool_result_lines: z.number().int().positive().default(60),
  output_tokens: z.number().int().positive().default(32),
  ...commonOptions,
});
type Options = z.infer<typeof Options>;

/**
 * Replays a Claude-Code-shaped session: each turn re-sends everything before it plus one tool round trip, so
 * TTFT per turn shows how well the engine reuses the growing prefix. Scenarios `turn-1`, `turn-2`, ...
 */
export const sessionSuite: Suite<Options> = {
  kind: "session",
  description: "replay of a multi-turn Claude-Code-shaped session: TTFT per turn as the context grows",
  options: Options,
  // Neither `requests` (a session is its turns) nor `concurrency` (one user replays it) applies.
  clientParams: sameNamed("prompt_tokens", "output_tokens"),
  async run(ctx, opts) {
    const reps = repetitionsOf(ctx, opts);
    const turns = Array.from({ length: opts.turns }, () => ({ meter: new ServerMeter(ctx.target), reps: [] as Repetition[] }));
    let cacheReset: boolean | undefined;
    for (let rep = 0; rep < reps && !ctx.signal.aborted; rep++) {
      if (opts.reset_cache) cacheReset = await resetPrefixCache(ctx.target);
      const session = await sizedSession(ctx, opts.prompt_tokens, { maxTokens: opts.output_tokens, toolResultLines: opts.tool_result_lines });
      const { lanes: [user] } = await openUserLanes(ctx, 1);
      try {
        for (let t = 0; t < opts.turns && !ctx.signal.aborted; t++) {
          ctx.onPhase(`session rep ${rep + 1}/${reps}: turn ${t + 1}/${opts.turns}`);
          const request = session.request({ history: t });
          turns[t].reps.push({ records: [await turns[t].meter.measure(() => user.send(request))] });
        }
      } finally {
        await user.close();
      }
    }
    return turns.map((turn, t): ScenarioOutcome => ({
      scenario: `turn-${t + 1}`,
      concurrency: 1,
      repetitions: turn.reps,
      slo: opts.slo,
      extra: { ...turn.meter.columns(), cache_reset: opts.reset_cache ? cacheReset : undefined },
    }));
  },
};
