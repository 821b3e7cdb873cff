import { createHash } from "node:crypto";
import type { ParsedArgv } from "./argv/parse-argv.ts";
import { toServeArgs, type ServeArgs } from "./serve-args.ts";
import { readVllmEnv, type VllmEnv } from "./env.ts";
import { loadHardwareProfile, type HardwareProfile } from "./profile.ts";
import { resolveCompilation, type Compilation } from "./compilation.ts";

/** Everything a simulated `vllm serve` run is configured with: flags with vLLM's defaults, env, hardware. */
export interface SimConfig {
  readonly args: ServeArgs;
  readonly explicitArgs: Readonly<Record<string, unknown>>;
  readonly env: VllmEnv;
  readonly profile: HardwareProfile;
  readonly modelTag: string;
  readonly servedModelNames: readonly string[];
  readonly apiKeys: readonly string[];
  readonly worldSize: number;
  readonly expertParallel: boolean;
  readonly maxNumSeqs: number;
  readonly maxNumBatchedTokens: number;
  readonly blockSize: number;
  readonly prefixCaching: boolean;
  readonly chunkedPrefill: boolean;
  /** -1 = `auto`: the largest length the KV cache fits. */
  readonly maxModelLenRequested: number;
  readonly compilation: Compilation;
  readonly timeScale: number;
  /** Directory name under $VLLM_CACHE_ROOT/torch_compile_cache for this configuration. */
  readonly compileCacheHash: string;
}

export function resolveSimConfig(parsed: ParsedArgv, rawEnv: Record<string, string | undefined>): SimConfig {
  const args = toServeArgs(parsed);
  const env = readVllmEnv(rawEnv);
  const profile = loadHardwareProfile(args.hardware);
  const modelTag = parsed.modelTag ?? profile.model.default_name;
  const bigGpu = profile.gpu.total_memory_gib >= 70 && !profile.gpu.name.includes("A100");
  const chunkedPrefill = args.enable_chunked_prefill ?? true;
  const maxModelLenRequested = args.max_model_len ?? profile.model.max_position_embeddings;
  const maxNumSeqs = args.max_num_seqs ?? (bigGpu ? 1024 : 256);
  const defaultBatched = chunkedPrefill ? (bigGpu ? 8192 : 2048) : Math.max(maxModelLenRequested, 2048);
  const worldSize = args.tensor_parallel_size * args.pipeline_parallel_size * args.data_parallel_size;
  const compilation = resolveCompilation(args, env, maxNumSeqs, profile.gpu.supports_full_cudagraph);
  const explicitArgs = Object.fromEntries([...parsed.explicit].map((k) => [k, parsed.values[k]]));
  return {
    args,
    explicitArgs,
    env,
    profile,
    modelTag,
    servedModelNames: args.served_model_name ?? [modelTag],
    apiKeys: args.api_key ?? (env.VLLM_API_KEY ? [env.VLLM_API_KEY] : []),
    worldSize,
    expertParallel: args.enable_expert_parallel && profile.model.moe && worldSize > 1,
    maxNumSeqs,
    maxNumBatchedTokens: args.max_num_batched_tokens ?? defaultBatched,
    blockSize: args.block_size ?? 16,
    prefixCaching: args.enable_prefix_caching ?? true,
    chunkedPrefill,
    maxModelLenRequested,
    compilation,
    timeScale: args.time_scale,
    compileCacheHash: compileCacheHash(modelTag, args, compilation),
  };
}

/** Like vLLM, the compile cache is keyed by what shapes the compiled graphs (model, parallelism, dtypes, -cc). */
function compileCacheHash(model: string, args: ServeArgs, compilation: Compilation): string {
  const key = JSON.stringify({
    model,
    tp: args.tensor_parallel_size,
    pp: args.pipeline_parallel_size,
    dtype: args.dtype,
    quantization: args.quantization,
    kv: args.kv_cache_dtype,
    ep: args.enable_expert_parallel,
    mode: compilation.mode,
    cudagraph: compilation.cudagraphMode,
    compileSizes: compilation.compileSizes,
    autotune: compilation.autotuneStrength,
  });
  return createHash("sha256").update(key).digest("hex").slice(0, 10);
}
