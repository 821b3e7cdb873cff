import { z } from "zod";
import { percentile } from "../metrics/percentile.ts";
import { tpotMs } from "../metrics/tpot.ts";
import { ttftMs } from "../metrics/ttft.ts";
import type { Repetition } from "../metrics/summarize.ts";
import { probeSessions, type CapacitySlo, type ProbeResult } from "./capacity-probe.ts";
import { repetitionsOf } from "./options.ts";
import { ServerMeter } from "./server-meter.ts";
import { runRequests } from "./user-lanes.ts";
import { syntheticSessions } from "./session-source.ts";
import { TraceFileOption, traceSessions } from "./trace-sessions.ts";
import type { ScenarioOutcome, Suite } from "./types.ts";

const Options = z.strictObject({
  /**
   * A recorded trace (the lab's JSONL or Mooncake-style): its sessions are the users, with their own requests and
   * think times (prompt_tokens, turns, tool_result_lines and think_s then do not apply). Unset: synthetic sessions.
   */
  trace: TraceFileOption.optional(),
  /** Tokens per Mooncake hash block (trace only). */
  block_tokens: z.number().int().positive().default(512),
  /** First request of each session (system + tools + first turn), exact in the engine's tokenizer. */
  prompt_tokens: z.number().int().positive().default(25000),
  /** Requests per session; each turn adds one tool round trip to the context. */
  turns: z.number().int().positive().default(6),
  tool_result_lines: z.number().int().positive().default(60),
  output_tokens: z.number().int().min(2).default(200),
  /** Seconds each user spends between turns (tools running, reading); simulated seconds on the simulator. */
  think_s: z.number().nonnegative().default(5),
  slo: z.strictObject({
    ttft_ms: z.number().positive().default(5000),
    tpot_ms: z.number().positive().default(100),
    percentile: z.number().min(50).max(100).default(95),
  }).prefault({}),
  /** Probing stops here (the capacity is then "at least" this). */
  max_sessions: z.number().int().positive().default(128),
  /**
   * The first N probed. From 1 the search doubles (1, 2, 4, ...); from a guess (a known capacity) it steps away
   * from it by 1, 2, 4, ... in the direction the first probe points, then bisects, so a right guess costs two probes.
   */
  start_sessions: z.number().int().positive().default(1),
  /** At most this many probes (the interval says what is left open); unset: until bisection ends. */
  probes: z.number().int().positive().optional(),
  /**
   * Stop a probe once it has certainly failed (more of its requests over a limit than the percentile allows):
   * cheaper, but the figures of a failed probe are then partial. The tuner's screens use it.
   */
  decide_early: z.boolean().default(false),
  repetitions: z.number().int().positive().optional(),
  reset_cache: z.boolean().default(false),
});
type Options = z.infer<typeof Options>;

interface Probed {
  n: number;
  results: ProbeResult[];
  /** Median of the repetitions' SLO ratios (worst of measured / limit), and whether it is <= 1. */
  ratio: number;
  pass: boolean;
}

/**
 * The largest number of concurrent Claude-Code-shaped sessions served within the SLOs: probes N = 1, 2, 4, ...
 * until the SLO fails (or a probe over-saturates), then bisects. Rows: one per probed N (scenario nN, the
 * curve), plus `capacity` with capacity_sessions and its interval (largest N where every repetition passed ..
 * smallest N where every repetition failed, minus one).
 */
export const capacitySuite: Suite<Options> = {
  kind: "capacity",
  description: "largest number of concurrent Claude-Code-shaped sessions within p95 TTFT and TPOT SLOs (probe 1, 2, 4, ... then bisect)",
  options: Options,
  clientParams: {},
  columns: ["ttft_ms_p95", "tpot_ms_p95", "slo_ratio", "slo_met", "oversaturated", "capacity_sessions", "capacity_sessions_ci_low", "capacity_sessions_ci_high"],
  async run(ctx, opts) {
    const reps = repetitionsOf(ctx, opts);
    const slo: CapacitySlo = opts.slo;
    const source = opts.trace ? traceSessions(ctx.target.model, { trace: opts.trace, output_tokens: opts.output_tokens, block_tokens: opts.block_tokens }) : await syntheticSessions(ctx, opts);
    // One session's first turn, unmeasured: the engine's first prefill (graph capture, compile) is not a user's.
    const [warm] = await source.sessions(1);
    await runRequests(ctx, [warm.turns[0].request], 1);
    const probed = new Map<number, Probed & { meter: ServerMeter }>();
    const probe = async (n: number): Promise<boolean> => {
      const meter = new ServerMeter(ctx.target);
      const results: ProbeResult[] = [];
      for (let r = 0; r < reps && !ctx.signal.aborted; r++) {
        ctx.onPhase(`capacity: ${n} sessions, rep ${r + 1}/${reps}`);
        results.push(await meter.measure(() => probeSessions(ctx, source, n, slo, opts.decide_early)));
      }
      const ratios = results.map((p) => Math.min(p.ratio, 1e9));
      const ratio = ratios.length ? (percentile(ratios, 50) as number) : Infinity;
      const pass = ratio <= 1;
      probed.set(n, { n, results, ratio: ratio >= 1e9 ? Infinity : ratio, pass, meter });
      return pass;
    };
    const { lo, hi } = await search(probe, opts, () => ctx.signal.aborted);
    const curve = [...probed.values()].sort((a, b) => a.n - b.n);
    const allPass = curve.filter((p) => p.results.every((r) => r.ratio <= 1)).map((p) => p.n);
    const allFail = curve.filter((p) => p.results.every((r) => r.ratio > 1)).map((p) => p.n);
    const ciLow = Math.max(0, ...allPass.filter((n) => n <= lo));
    const ciHigh = allFail.some((n) => n > lo) ? Math.min(...allFail.filter((n) => n > lo)) - 1 : hi === undefined ? lo : hi - 1;
    const rows = curve.map((p): ScenarioOutcome => ({
      scenario: `n${p.n}`,
      concurrency: p.n,
      repetitions: p.results.map((r) => ({ records: r.records })),
      slo: { ttft_ms: slo.ttft_ms, tpot_ms: slo.tpot_ms },
      extra: { ...p.meter.columns(), ...probeColumns(p) },
    }));
    const best = probed.get(lo);
    rows.push({
      scenario: "capacity",
      // one scenario key for every configuration (its N is capacity_sessions): promote and tune compare across them
      concurrency: 0,
      repetitions: best ? best.results.map((r): Repetition => ({ records: r.records })) : [],
      extra: {
        ...(best ? { ...best.meter.columns(), ...probeColumns(best) } : {}),
        capacity_sessions: lo, capacity_sessions_ci_low: ciLow, capacity_sessions_ci_high: Math.max(ciHigh, lo),
      },
    });
    return rows;
  },
};

function probeColumns(p: Probed): Record<string, number | boolean> {
  const records = p.results.flatMap((r) => r.records);
  return {
    ttft_ms_p95: percentile(ttftMs(records), 95) ?? NaN,
    tpot_ms_p95: percentile(tpotMs(records), 95) ?? NaN,
    // the worst of measured / limit over both SLOs (median of the repetitions); over-saturated or failed: none
    slo_ratio: Number.isFinite(p.ratio) ? p.ratio : NaN,
    slo_met: p.pass,
    oversaturated: p.results.some((r) => r.oversaturated),
  };
}

/**
 * Where the SLO holds: from `start_sessions` away by 1, 2, 4, ... (from 1: 1, 2, 4, 8, ...) until the answer
 * changes or max_sessions, then bisection; at most `probes` probes. lo: the largest N that passed (0: none);
 * hi: the smallest that failed (undefined: none).
 */
async function search(
  probe: (n: number) => Promise<boolean>, opts: Pick<Options, "start_sessions" | "max_sessions" | "probes">, aborted: () => boolean,
): Promise<{ lo: number; hi?: number }> {
  let lo = 0;
  let hi: number | undefined;
  let left = opts.probes ?? Infinity;
  const open = () => left > 0 && !aborted();
  const tryN = async (n: number) => {
    left--;
    if (await probe(n)) lo = Math.max(lo, n);
    else hi = Math.min(hi ?? Infinity, n);
  };
  await tryN(Math.min(opts.start_sessions, opts.max_sessions));
  for (let step = 1; hi === undefined && lo < opts.max_sessions && open(); step *= 2) await tryN(Math.min(lo + step, opts.max_sessions));
  for (let step = 1; lo === 0 && hi !== undefined && hi > 1 && open(); step *= 2) await tryN(Math.max(1, hi - step));
  while (hi !== undefined && hi - lo > 1 && open()) await tryN(Math.floor((lo + hi) / 2));
  return { lo, hi };
}
