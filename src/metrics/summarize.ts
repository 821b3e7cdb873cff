import type { RequestRecord } from "../client/types.ts";
import type { Cell } from "../results/columns.ts";
import { e2elMs } from "./e2el.ts";
import { goodputReqS, type Slo } from "./goodput.ts";
import { hitRatio, idealHitRatio } from "./hit-ratio.ts";
import { itlMs } from "./itl.ts";
import { peakOutputTokS } from "./peak-throughput.ts";
import { perUserOutputTokS } from "./per-user.ts";
import { distribution, mean } from "./percentile.ts";
import { sendLagMs } from "./send-lag.ts";
import { acrossRepetitions } from "./repetitions.ts";
import { spanOf, throughput, type Window } from "./throughput.ts";
import { tpotMs } from "./tpot.ts";
import { ttftMs } from "./ttft.ts";

export interface Repetition {
  records: RequestRecord[];
  /** Measured window; defaults to the span of the records. */
  window?: Window;
}

/** Above this relative spread across repetitions a scenario is flagged as noisy. */
export const SPREAD_LIMIT = 0.1;

/** Metrics of one repetition, keyed by points.csv column names. */
export function summarizeRepetition(rep: Repetition, slo: Slo = {}): Record<string, number | undefined> {
  const { records } = rep;
  const window = rep.window ?? spanOf(records);
  const ttft = distribution(ttftMs(records));
  const tpot = distribution(tpotMs(records));
  const itl = distribution(itlMs(records));
  const e2el = distribution(e2elMs(records));
  const lag = distribution(sendLagMs(records));
  const tp = throughput(records, window);
  const ok = records.filter((r) => r.ok);
  return {
    requests: records.length,
    errors: records.length - ok.length,
    ttft_ms_mean: ttft.mean, ttft_ms_p50: ttft.p50, ttft_ms_p90: ttft.p90, ttft_ms_p99: ttft.p99,
    tpot_ms_mean: tpot.mean, tpot_ms_p50: tpot.p50, tpot_ms_p99: tpot.p99,
    itl_ms_mean: itl.mean, itl_ms_p50: itl.p50, itl_ms_p99: itl.p99,
    e2el_ms_mean: e2el.mean, e2el_ms_p50: e2el.p50, e2el_ms_p99: e2el.p99,
    request_s: tp?.request_s, output_tok_s: tp?.output_tok_s, total_tok_s: tp?.total_tok_s,
    output_tok_s_peak: peakOutputTokS(records),
    goodput_req_s: Object.keys(slo).length ? goodputReqS(records, window, slo) : undefined,
    per_user_output_tok_s: mean(perUserOutputTokS(records)),
    server_prompt_ms_mean: mean(ok.flatMap((r) => (r.serverPromptMs === undefined ? [] : [r.serverPromptMs]))),
    gate_wait_ms_mean: mean(records.map((r) => r.gateWaitNs / 1e6)),
    prompt_tokens_mean: mean(ok.flatMap((r) => (r.promptTokens === undefined ? [] : [r.promptTokens]))),
    output_tokens_mean: mean(ok.flatMap((r) => (r.outputTokens === undefined ? [] : [r.outputTokens]))),
    cached_tokens_mean: mean(ok.flatMap((r) => (r.cachedTokens === undefined ? [] : [r.cachedTokens]))),
    hit_ratio: hitRatio(records),
    ideal_hit_ratio: idealHitRatio(records),
    send_lag_ms_mean: lag.mean, send_lag_ms_p50: lag.p50, send_lag_ms_p99: lag.p99,
  };
}

/**
 * Metrics of a scenario run R times: each column is the median across repetitions; output tok/s and TTFT p50
 * also get a 95% interval, and columns whose spread exceeds SPREAD_LIMIT are named in `spread_flag`.
 */
export function summarizeScenario(reps: Repetition[], slo: Slo = {}): Record<string, Cell> {
  const perRep = reps.map((rep) => summarizeRepetition(rep, slo));
  const row: Record<string, Cell> = { repetitions: reps.length };
  const keys = new Set(perRep.flatMap((m) => Object.keys(m)));
  const noisy: string[] = [];
  for (const key of keys) {
    const values = perRep.map((m) => m[key]).filter((v): v is number => v !== undefined);
    const agg = acrossRepetitions(values);
    row[key] = key === "requests" || key === "errors" ? values.reduce((a, b) => a + b, 0) : agg.median;
    if (key === "output_tok_s" || key === "ttft_ms_p50") {
      row[`${key}_ci_low`] = agg.ciLow;
      row[`${key}_ci_high`] = agg.ciHigh;
    }
    if (reps.length > 1 && ["output_tok_s", "ttft_ms_p50", "tpot_ms_mean", "e2el_ms_mean"].includes(key) && (agg.spread ?? 0) > SPREAD_LIMIT) noisy.push(key);
  }
  row.spread_flag = noisy.join(" ");
  return row;
}
