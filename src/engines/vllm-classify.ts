import type { FailureCause } from "./types.ts";

/** vLLM's fatal startup messages (REFERENCE.md section 1), matched loosely since versions vary; first match wins. */
const RULES: Array<[RegExp, FailureCause]> = [
  [/Free memory on device .* on startup is less than desired GPU memory utilization/, "oom"],
  [/No available memory for the cache blocks/, "kv_cache_too_small"],
  [/To serve at least one request with the models?'s max seq len/, "kv_cache_too_small"],
  [/estimated maximum model length is \d+/, "kv_cache_too_small"],
  // CPU build: VLLM_CPU_KVCACHE_SPACE (or --kv-cache-memory-bytes) larger than the free memory of the NUMA node.
  [/on kv cache allocation is less than requested memory for kv/, "oom"],
  [/CUDA out of memory|Failed to load model - not enough GPU memory|when warming up sampler|OutOfMemoryError/, "oom"],
  [/max_num_batched_tokens \(\d+\) must be greater than or equal to max_num_seqs/, "invalid_config"],
  [/User-specified max_model_len/, "invalid_config"],
  // Not RequestValidationError: a served bad request (logged with its traceback) says nothing about the config.
  [/unrecognized arguments|error: argument |(?<!Request)ValidationError|ValueError: /, "invalid_config"],
  [/Address already in use|\[Errno 98\]/, "bind_failed"],
  [/Engine core initialization failed|Traceback \(most recent call last\)/, "crashed"],
];

export function classifyVllmLog(log: string): FailureCause | undefined {
  for (const [pattern, cause] of RULES) if (pattern.test(log)) return cause;
  return undefined;
}
