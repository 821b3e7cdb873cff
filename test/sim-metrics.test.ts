import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { request } from "undici";
import { describe, expect, it } from "vitest";
import { startSimServer, type SimServer } from "../src/sim/index.ts";

/** /metrics speaks vLLM's Prometheus names, types and labels (REFERENCE.md section 1), with live values. */
const cacheRoot = mkdtempSync(join(tmpdir(), "sim-metrics-"));

async function start(extra: string[], env: Record<string, string> = {}) {
  const stdout = new PassThrough();
  let log = "";
  stdout.on("data", (d: Buffer) => (log += d.toString()));
  const argv = ["QuantTrio/GLM-4.7-Flash-AWQ", "--served-model-name", "glm", "-tp", "2", "--host", "127.0.0.1", "--port", "0", "--time-scale", "200", ...extra];
  const server = await startSimServer({ argv, env: { VLLM_CACHE_ROOT: cacheRoot, ...env }, stdout, stderr: new PassThrough() });
  return { server, log: () => log };
}

async function scrape(server: SimServer) {
  const res = await request(`${server.url}/metrics`);
  expect(res.headers["content-type"]).toContain("text/plain; version=0.0.4");
  const text = await res.body.text();
  const types = new Map([...text.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map((m) => [m[1], m[2]]));
  const value = (name: string, labels: Record<string, string> = {}) => {
    const line = text.split("\n").find((l) => l.startsWith(`${name}{`) && Object.entries(labels).every(([k, v]) => l.includes(`${k}="${v}"`)));
    return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(" ") + 1));
  };
  return { text, types, value };
}

async function chat(server: SimServer, body: Record<string, unknown>) {
  const res = await request(`${server.url}/v1/chat/completions`, { method: "POST", body: JSON.stringify({ model: "glm", ...body }), headers: { "content-type": "application/json" } });
  return (await res.body.json()) as { usage: { prompt_tokens: number; completion_tokens: number } };
}

describe("simulated vLLM /metrics", () => {
  it("exposes every vllm: metric with its type, labels, histogram buckets and cache config", async () => {
    const { server } = await start([]);
    try {
      const { text, types } = await scrape(server);
      const expected: Record<string, string> = {
        "vllm:num_requests_running": "gauge",
        "vllm:num_requests_waiting": "gauge",
        "vllm:kv_cache_usage_perc": "gauge",
        "vllm:prefix_cache_queries_total": "counter",
        "vllm:prefix_cache_hits_total": "counter",
        "vllm:prompt_tokens_total": "counter",
        "vllm:generation_tokens_total": "counter",
        "vllm:num_preemptions_total": "counter",
        "vllm:request_success_total": "counter",
        "vllm:time_to_first_token_seconds": "histogram",
        "vllm:inter_token_latency_seconds": "histogram",
        "vllm:e2e_request_latency_seconds": "histogram",
        "vllm:request_queue_time_seconds": "histogram",
        "vllm:request_prefill_time_seconds": "histogram",
        "vllm:request_decode_time_seconds": "histogram",
        "vllm:cache_config_info": "gauge",
      };
      for (const [name, type] of Object.entries(expected)) expect(types.get(name), name).toBe(type);
      expect(text).not.toContain("gpu_cache_usage_perc");
      expect(text).toContain('vllm:num_requests_running{engine="0",model_name="glm"} 0.0');
      for (const reason of ["stop", "length", "abort"]) expect(text).toContain(`vllm:request_success_total{engine="0",finished_reason="${reason}",model_name="glm"} 0.0`);
      expect(text).toContain('vllm:time_to_first_token_seconds_bucket{engine="0",le="+Inf",model_name="glm"} 0.0');
      expect(text).toContain('vllm:time_to_first_token_seconds_bucket{engine="0",le="0.25",model_name="glm"} 0.0');
      expect(text).toMatch(/^vllm:e2e_request_latency_seconds_sum\{engine="0",model_name="glm"\} 0\.0$/m);
      expect(text).toMatch(/^vllm:e2e_request_latency_seconds_count\{engine="0",model_name="glm"\} 0\.0$/m);
      const info = text.split("\n").find((l) => l.startsWith("vllm:cache_config_info{"))!;
      for (const label of ['block_size="16"', 'gpu_memory_utilization="0.92"', 'enable_prefix_caching="True"', 'engine="0"', /num_gpu_blocks="\d+"/]) expect(info).toMatch(label);
    } finally {
      await server.close();
    }
  });

  it("counts tokens, requests, latencies and prefix cache hits as requests are served", async () => {
    const { server } = await start(["--max-model-len", "8192"]);
    try {
      const body = { messages: [{ role: "user", content: "the same long prompt ".repeat(100) }], max_tokens: 20, ignore_eos: true };
      const first = await chat(server, body);
      const second = await chat(server, body);
      const m = await scrape(server);
      expect(m.value("vllm:prompt_tokens_total")).toBe(first.usage.prompt_tokens * 2);
      expect(m.value("vllm:generation_tokens_total")).toBe(40);
      expect(m.value("vllm:request_success_total", { finished_reason: "length" })).toBe(2);
      expect(m.value("vllm:prefix_cache_queries_total")).toBe(first.usage.prompt_tokens + second.usage.prompt_tokens);
      expect(m.value("vllm:prefix_cache_hits_total")).toBe(Math.floor((second.usage.prompt_tokens - 1) / 16) * 16);
      expect(m.value("vllm:time_to_first_token_seconds_count")).toBe(2);
      expect(m.value("vllm:inter_token_latency_seconds_count")).toBe(38);
      expect(m.value("vllm:e2e_request_latency_seconds_sum")).toBeGreaterThan(0.3);
      expect(m.value("vllm:kv_cache_usage_perc")).toBe(0);
    } finally {
      await server.close();
    }
  });

  it("preempts when the KV cache is full and counts it", async () => {
    const { server, log } = await start(["--num-gpu-blocks-override", "40", "--max-model-len", "512"], { VLLM_LOG_STATS_INTERVAL: "1" });
    try {
      const body = { messages: [{ role: "user", content: "fill the cache ".repeat(30) }], max_tokens: 300, ignore_eos: true };
      const results = await Promise.all(Array.from({ length: 4 }, () => chat(server, body)));
      expect(results.every((r) => r.usage.completion_tokens === 300)).toBe(true);
      const m = await scrape(server);
      expect(m.value("vllm:num_preemptions_total")).toBeGreaterThan(0);
      expect(m.value("vllm:request_success_total", { finished_reason: "length" })).toBe(4);
      expect(log()).toMatch(/\[loggers\.py:\d+\] Engine 000: Avg prompt throughput: [\d.]+ tokens\/s, Avg generation throughput: [\d.]+ tokens\/s, Running: \d+ reqs, Waiting: \d+ reqs, GPU KV cache usage: [\d.]+%, Prefix cache hit rate: [\d.]+%/);
    } finally {
      await server.close();
    }
  });
});
