import type { SimConfig } from "../config.ts";

/** Labels of `vllm:cache_config_info`: vLLM's CacheConfig fields as Python prints them. */
export function cacheConfigInfo(config: SimConfig, numGpuBlocks: number): Record<string, string> {
  const py = (v: unknown) => (v === true ? "True" : v === false ? "False" : v === null || v === undefined ? "None" : String(v));
  return {
    block_size: py(config.blockSize),
    cache_dtype: config.args.kv_cache_dtype,
    calculate_kv_scales: "False",
    cpu_offload_gb: "0",
    enable_prefix_caching: py(config.prefixCaching),
    gpu_memory_utilization: py(config.args.gpu_memory_utilization),
    is_attention_free: "False",
    num_cpu_blocks: "None",
    num_gpu_blocks: py(numGpuBlocks),
    num_gpu_blocks_override: py(config.args.num_gpu_blocks_override),
    prefix_caching_hash_algo: "sha256",
    sliding_window: "None",
    swap_space: "4",
    swap_space_bytes: String(4 * 1024 ** 3),
  };
}
