import { Registry, type Labels } from "./prometheus.ts";

const TTFT_BUCKETS = [0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0, 20.0, 40.0, 80.0, 160.0, 640.0, 2560.0];
const ITL_BUCKETS = [0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0, 20.0, 40.0, 80.0];
const LATENCY_BUCKETS = [0.3, 0.5, 0.8, 1.0, 1.5, 2.0, 2.5, 5.0, 10.0, 15.0, 20.0, 30.0, 40.0, 50.0, 60.0, 120.0, 240.0, 480.0, 960.0, 1920.0, 7680.0];
export const FINISH_REASONS = ["stop", "length", "abort", "error"] as const;

/** The `vllm:` metrics of vLLM V1 (names, types, labels and buckets as vLLM's PrometheusStatLogger sets them). */
export function createVllmMetrics(modelName: string, cacheConfigInfo: Labels) {
  const registry = new Registry();
  const labels: Labels = { model_name: modelName, engine: "0" };
  const m = {
    registry,
    labels,
    running: registry.gauge("vllm:num_requests_running", "Number of requests in model execution batches."),
    waiting: registry.gauge("vllm:num_requests_waiting", "Number of requests waiting to be processed."),
    kvUsage: registry.gauge("vllm:kv_cache_usage_perc", "KV-cache usage. 1 means 100 percent usage."),
    cacheQueries: registry.counter("vllm:prefix_cache_queries_total", "Prefix cache queries, in terms of number of queried tokens."),
    cacheHits: registry.counter("vllm:prefix_cache_hits_total", "Prefix cache hits, in terms of number of cached tokens."),
    preemptions: registry.counter("vllm:num_preemptions_total", "Cumulative number of preemption from the engine."),
    promptTokens: registry.counter("vllm:prompt_tokens_total", "Number of prefill tokens processed."),
    generationTokens: registry.counter("vllm:generation_tokens_total", "Number of generation tokens processed."),
    success: registry.counter("vllm:request_success_total", "Count of successfully processed requests."),
    ttft: registry.histogram("vllm:time_to_first_token_seconds", "Histogram of time to first token in seconds.", TTFT_BUCKETS),
    itl: registry.histogram("vllm:inter_token_latency_seconds", "Histogram of inter-token latency in seconds.", ITL_BUCKETS),
    e2e: registry.histogram("vllm:e2e_request_latency_seconds", "Histogram of e2e request latency in seconds.", LATENCY_BUCKETS),
    queue: registry.histogram("vllm:request_queue_time_seconds", "Histogram of time spent in WAITING phase for request.", LATENCY_BUCKETS),
    prefill: registry.histogram("vllm:request_prefill_time_seconds", "Histogram of time spent in PREFILL phase for request.", LATENCY_BUCKETS),
    decode: registry.histogram("vllm:request_decode_time_seconds", "Histogram of time spent in DECODE phase for request.", LATENCY_BUCKETS),
    cacheConfig: registry.gauge("vllm:cache_config_info", "Information of the LLMEngine CacheConfig"),
  };
  for (const metric of [m.running, m.waiting, m.kvUsage, m.cacheQueries, m.cacheHits, m.preemptions, m.promptTokens, m.generationTokens]) metric.touch(labels);
  for (const reason of FINISH_REASONS) m.success.touch({ ...labels, finished_reason: reason });
  for (const h of [m.ttft, m.itl, m.e2e, m.queue, m.prefill, m.decode]) h.touch(labels);
  m.cacheConfig.set({ ...cacheConfigInfo, engine: "0" }, 1);
  return m;
}
export type VllmMetrics = ReturnType<typeof createVllmMetrics>;
