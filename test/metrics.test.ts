import { describe, expect, it } from "vitest";
import type { RequestRecord } from "../src/client/types.ts";
import { ttftMs } from "../src/metrics/ttft.ts";
import { tpotMs } from "../src/metrics/tpot.ts";
import { itlMs } from "../src/metrics/itl.ts";
import { e2elMs } from "../src/metrics/e2el.ts";
import { throughput, spanOf } from "../src/metrics/throughput.ts";
import { peakOutputTokS } from "../src/metrics/peak-throughput.ts";
import { goodputReqS } from "../src/metrics/goodput.ts";
import { percentile, distribution } from "../src/metrics/percentile.ts";
import { acrossRepetitions } from "../src/metrics/repetitions.ts";
import { summarizeScenario } from "../src/metrics/summarize.ts";
import { perUserOutputTokS } from "../src/metrics/per-user.ts";
import { addDeltas, serverDeltas } from "../src/metrics/server-deltas.ts";
import { toolCallsOkRatio } from "../src/metrics/tool-calls.ts";
import { parsePrometheus } from "../src/client/server-metrics.ts";
import { METRICS, metricColumns } from "../src/metrics/registry.ts";
import type { Metric } from "../src/metrics/metric.ts";

const MS = 1_000_000;
/** Hand-made requests: integer nanoseconds, no clock. */
function rec(startMs: number, chunksMs: number[], outputTokens: number, promptTokens = 100): RequestRecord {
  return {
    ok: true, gateWaitNs: 0, startNs: startMs * MS, firstTokenNs: chunksMs[0] * MS, endNs: chunksMs[chunksMs.length - 1] * MS,
    chunkNs: chunksMs.map((c) => c * MS), outputTokens, promptTokens,
  };
}
const a = rec(0, [100, 120, 140, 160, 180], 5); // TTFT 100, E2EL 180, TPOT (180-100)/4 = 20
const b = rec(50, [350, 400, 450], 3); // TTFT 300, E2EL 400, TPOT (450-350)/2 = 50
const failed: RequestRecord = { ok: false, error: "HTTP 500", gateWaitNs: 0, startNs: 0, endNs: 10 * MS, chunkNs: [] };

describe("metric formulas on hand-made series", () => {
  it("TTFT = first content chunk - start", () => expect(ttftMs([a, b, failed])).toEqual([100, 300]));
  it("E2EL = last chunk - start", () => expect(e2elMs([a, b, failed])).toEqual([180, 400]));
  it("TTFT, TPOT, ITL and E2EL columns carry mean, p50, p90 and p99", () => {
    const row = summarizeScenario([{ records: [a, b] }]);
    for (const m of ["ttft_ms", "tpot_ms", "itl_ms", "e2el_ms"]) {
      for (const s of ["mean", "p50", "p90", "p99"]) expect(row[`${m}_${s}`], `${m}_${s}`).toBeTypeOf("number");
    }
    expect(row.tpot_ms_p90).toBeCloseTo(20 + (50 - 20) * 0.9, 9); // [20, 50]: numpy's linear interpolation
    expect(row.e2el_ms_p90).toBeCloseTo(180 + (400 - 180) * 0.9, 9);
    expect(row.itl_ms_p90).toBe(50);
    for (const column of ["tpot_ms_p90", "itl_ms_p90", "e2el_ms_p90", "requests_sent", "tokens_source"]) expect(metricColumns()).toContain(column);
  });
  it("a new metric is one registered object: summarize computes it, with no edit elsewhere", () => {
    const chunks: Metric = { columns: ["chunks_mean"], measure: (rep) => ({ chunks_mean: rep.ok.length ? rep.ok.reduce((n, r) => n + r.chunkNs.length, 0) / rep.ok.length : undefined }) };
    expect(summarizeScenario([{ records: [a, b] }, { records: [a] }], {}, [...METRICS, chunks])).toMatchObject({ chunks_mean: 4.5, ttft_ms_p50: 150 });
  });
  it("TPOT = (E2EL - TTFT) / (tokens - 1), only when tokens > 1", () => {
    expect(tpotMs([a, b, rec(0, [10], 1)])).toEqual([20, 50]);
  });
  it("ITL = per-chunk gaps pooled across requests", () => expect(itlMs([a, b])).toEqual([20, 20, 20, 20, 50, 50]));
  it("throughput over the window: requests, output and total tokens per second", () => {
    const w = spanOf([a, b]);
    expect(w).toEqual({ startNs: 0, endNs: 450 * MS });
    const t = throughput([a, b, failed], w)!;
    expect(t.request_s).toBeCloseTo(2 / 0.45, 9);
    expect(t.output_tok_s).toBeCloseTo(8 / 0.45, 9);
    expect(t.total_tok_s).toBeCloseTo(208 / 0.45, 9);
  });
  it("peak output tok/s counts tokens per 1 s bucket", () => {
    const late = rec(0, [1100, 1200], 4);
    expect(peakOutputTokS([a, b, late])).toBe(8);
    expect(peakOutputTokS([a, late], 500 * MS)).toBe(10); // 5 tokens in the first 0.5 s bucket
  });
  it("goodput counts requests meeting every SLO", () => {
    const w = { startNs: 0, endNs: 1000 * MS };
    expect(goodputReqS([a, b], w, { ttft_ms: 200 })).toBe(1);
    expect(goodputReqS([a, b], w, { ttft_ms: 500, tpot_ms: 30 })).toBe(1);
    expect(goodputReqS([a, b], w, { e2el_ms: 1000 })).toBe(2);
  });
  it("percentiles interpolate linearly like numpy", () => {
    expect(percentile([1, 2, 3, 4], 50)).toBe(2.5);
    expect(percentile([1, 2, 3, 4], 90)).toBeCloseTo(3.7, 12);
    expect(percentile([10], 99)).toBe(10);
    expect(distribution([])).toEqual({ mean: undefined, p50: undefined, p90: undefined, p99: undefined });
  });
  it("repetitions: median, interval and spread", () => {
    expect(acrossRepetitions([10, 12, 11])).toEqual({ median: 11, ciLow: 10, ciHigh: 12, spread: 2 / 11 });
  });
  it("a scenario row takes medians across repetitions and flags spread over 10%", () => {
    const fast = rec(0, [100, 120], 2);
    const slow = rec(0, [100, 200], 2);
    const row = summarizeScenario([{ records: [fast] }, { records: [slow] }, { records: [fast] }]);
    expect(row.repetitions).toBe(3);
    expect(row.requests_sent).toBe(3);
    expect(row.requests).toBeUndefined(); // a grid parameter's column, never a measurement
    expect(row.ttft_ms_p50).toBe(100);
    expect(row.tpot_ms_mean).toBe(20);
    expect(String(row.spread_flag)).toContain("tpot_ms_mean");
    expect(String(row.spread_flag)).not.toContain("ttft_ms_p50");
  });
  it("per-user output tok/s = (tokens - 1) / (E2EL - TTFT) per request", () => {
    expect(perUserOutputTokS([a, b, rec(0, [10], 1)])).toEqual([50, 20]); // 4 / 0.08 s, 2 / 0.1 s
  });
  it("goodput reaches the scenario row through its SLO", () => {
    const row = summarizeScenario([{ records: [a, b], window: { startNs: 0, endNs: 1000 * MS } }], { ttft_ms: 200 });
    expect(row.goodput_req_s).toBe(1);
    expect(row.per_user_output_tok_s).toBe(35);
  });
  it("tool_calls_ok counts parsable calls among all requests", () => {
    const good = { ...a, toolCalls: [{ name: "Read", arguments: '{"file_path":"/x"}' }] };
    const garbage = { ...a, toolCalls: [{ name: "Read", arguments: '{"file_path":' }] };
    const none = { ...a };
    expect(toolCallsOkRatio([good, garbage, none, failed])).toBe(0.25);
  });
});

describe("server metric deltas", () => {
  const scrape = (text: string) => parsePrometheus(text);
  it("parses Prometheus text: counters add up over label sets, gauges do not", () => {
    const s = scrape('# HELP x\nvllm:request_success_total{finished_reason="stop",model_name="m x"} 3\nvllm:request_success_total{finished_reason="length"} 2\nvllm:kv_cache_usage_perc 0.25 1700000000\n');
    expect(s.total("vllm:request_success_total")).toBe(5);
    expect(s.max("vllm:kv_cache_usage_perc")).toBe(0.25);
  });
  it("gauges of several engines (data parallel) aggregate as a max, never a sum above 1", () => {
    const dp = (kv: [number, number], waiting: [number, number], hits: [number, number]) => scrape([
      `vllm:kv_cache_usage_perc{engine="0"} ${kv[0]}`, `vllm:kv_cache_usage_perc{engine="1"} ${kv[1]}`,
      `vllm:num_requests_waiting{engine="0"} ${waiting[0]}`, `vllm:num_requests_waiting{engine="1"} ${waiting[1]}`,
      `vllm:prefix_cache_queries_total{engine="0"} ${hits[0] * 2}`, `vllm:prefix_cache_queries_total{engine="1"} ${hits[1] * 2}`,
      `vllm:prefix_cache_hits_total{engine="0"} ${hits[0]}`, `vllm:prefix_cache_hits_total{engine="1"} ${hits[1]}`, "",
    ].join("\n"));
    const before = dp([0.1, 0.1], [0, 0], [0, 0]);
    const during = dp([0.7, 0.6], [3, 2], [50, 50]);
    const after = dp([0.2, 0.3], [0, 1], [100, 200]);
    const d = serverDeltas("vllm", before, after, [before, during, after]);
    expect(d.server_kv_usage_max).toBe(0.7); // the fullest engine; summing gave 1.3
    expect(d.server_queue_max).toBe(3);
    expect(d.server_prefix_hits).toBe(300); // counters still add up over engines
    expect(d.server_prefix_queries).toBe(600);
  });
  it("vLLM: counter deltas, hit ratio and gauge maxima", () => {
    const before = scrape("vllm:prefix_cache_queries_total 1000\nvllm:prefix_cache_hits_total 100\nvllm:num_preemptions_total 1\nvllm:num_requests_waiting 0\nvllm:kv_cache_usage_perc 0.1\n");
    const mid = scrape("vllm:num_requests_waiting 4\nvllm:kv_cache_usage_perc 0.7\n");
    const after = scrape("vllm:prefix_cache_queries_total 5000\nvllm:prefix_cache_hits_total 3100\nvllm:num_preemptions_total 3\nvllm:num_requests_waiting 1\nvllm:kv_cache_usage_perc 0.2\n");
    expect(serverDeltas("vllm", before, after, [before, mid, after])).toEqual({
      server_prefix_queries: 4000, server_prefix_hits: 3000, server_prefix_hit_ratio: 0.75, server_preemptions: 2, server_queue_max: 4, server_kv_usage_max: 0.7,
    });
  });
  it("llama.cpp: hits = cached delta, queries = cached + processed delta; no preemption counter", () => {
    const before = scrape("llamacpp:prompt_tokens_total 500\nllamacpp:prompt_tokens_cached_total 0\nllamacpp:requests_deferred 0\n");
    const after = scrape("llamacpp:prompt_tokens_total 600\nllamacpp:prompt_tokens_cached_total 300\nllamacpp:requests_deferred 2\n");
    const d = serverDeltas("llamacpp", before, after, [before, after]);
    expect(d).toEqual({ server_prefix_queries: 400, server_prefix_hits: 300, server_prefix_hit_ratio: 0.75, server_preemptions: undefined, server_queue_max: 2, server_kv_usage_max: undefined });
    expect(addDeltas(d, { ...d, server_prefix_queries: 100, server_prefix_hits: 0, server_queue_max: 1 })).toMatchObject({ server_prefix_queries: 500, server_prefix_hits: 300, server_prefix_hit_ratio: 0.6, server_queue_max: 2 });
  });
});
