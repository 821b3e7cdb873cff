import type { SimConfig } from "./config.ts";

/**
 * The simulator's performance model: every duration and capacity the simulated vLLM shows comes from here,
 * with constants from the hardware profile (src/sim/profiles/*.yaml, which documents its calibration).
 *
 * Engine step (one scheduler iteration, like vLLM V1's: decode tokens and prefill chunks batched together):
 *   step_s = fixed + per_seq * B + attn * C + (P / prefill_rate + pair * Q) * prefill_mult
 *   - B decode sequences in the step, C the sum of their context lengths, P prefill tokens in the step,
 *     Q = sum over prefill chunks of chunk * (already computed + chunk / 2): attention is quadratic.
 *   - fixed, per_seq: decode.fixed_ms / per_seq_ms (reading the weights once per step; per-sequence expert and
 *     sampling work), times the configuration multipliers below.
 * Configuration multipliers (factors.* in the profile, relative to the profile's reference configuration):
 *   - enforce-eager (or -O0): eager_decode on fixed and per_seq, eager_prefill on prefill;
 *     no CUDA graphs but compiled: cudagraph_none_decode; compile mode other than 3: inductor_off_decode;
 *     PIECEWISE where the backend could run full graphs: piecewise_only_decode.
 *   - Inductor autotune, only for decode batches whose padded size is in compile_sizes (see compilation.ts):
 *     fixed *= 1 - s * (1 - autotune_fixed), per_seq *= 1 - s * (1 - autotune_per_seq); s = autotune strength
 *     (0.8 max_autotune + 0.2 coordinate descent, each from -cc inductor_compile_config or the env var).
 *   - tensor parallel size tp vs the reference tp_ref: (tp_ref / tp) ^ tp_scaling_exponent on everything;
 *     expert parallel off where the reference had it on: per_seq * no_expert_parallel_per_seq (and inverse).
 *   - VLLM_MARLIN_USE_ATOMIC_ADD=0: fixed * marlin_atomic_add_off; VLLM_FLOAT32_MATMUL_PRECISION=highest:
 *     fixed * fp32_matmul_highest (high: half of that effect).
 * Request overhead (API server: chat template, tokenization) before the engine sees a request:
 *   overhead_s = request_overhead.fixed_s + us_per_prompt_token * prompt_tokens.
 * Graph warmup: the first prefill after startup costs graph_warmup.first_prefill_s, the first prefill of each
 *   further prompt-size bucket (next power of two of the step's tokens, above the largest CUDA-graph capture
 *   size, which startup already captured) new_bucket_s; the compile_cache value
 *   applies when $VLLM_CACHE_ROOT/torch_compile_cache/<hash> existed at startup. Eager runs pay nothing.
 * KV capacity (per GPU, like vLLM's memory profiling):
 *   requested = gpu_memory_utilization * total; startup fails when free < requested;
 *   kv_memory = requested - weights / (tp * pp) - non_torch - activation_per_1k * max_num_batched_tokens / 1000
 *               - cudagraph (0 when eager); blocks = floor(kv_memory / (block_size * kv_bytes_per_token)),
 *   kv_bytes_per_token halved for fp8 caches and divided by tp unless the model's KV is replicated (MLA).
 * Startup: weights_gib / weights_gib_per_s (dummy_load_s with --load-format dummy), then dynamo + inductor
 *   (+ autotune when compile_sizes are autotuned) from the compile_cache / no_compile_cache columns, profile_s,
 *   capture_s_per_size per captured size (twice for FULL_AND_PIECEWISE), api_server_s.
 * Not modelled: pipeline and data parallel speed (accepted, counted in the GPU check), speculative decoding.
 */

const GIB = 1024 ** 3;

export interface StepShape {
  readonly decodeSeqs: number;
  readonly decodeContextTokens: number;
  readonly prefillTokens: number;
  readonly prefillTokenPairs: number;
}

export interface MemoryPlan {
  readonly totalGib: number;
  readonly freeGib: number;
  readonly requestedGib: number;
  readonly weightsGib: number;
  readonly activationGib: number;
  readonly cudagraphGib: number;
  readonly availableKvGib: number;
  readonly kvBytesPerToken: number;
  readonly numGpuBlocks: number;
  readonly kvTokens: number;
}

export interface StartupTimeline {
  readonly loadS: number;
  readonly dynamoS: number;
  readonly inductorS: number;
  readonly autotuneS: number;
  readonly profileS: number;
  readonly captureS: number;
  readonly capturedGraphs: number;
  readonly apiServerS: number;
}

export class PerfModel {
  private readonly fixedS: number;
  private readonly perSeqS: number;
  private readonly fixedTunedS: number;
  private readonly perSeqTunedS: number;
  private readonly attnS: number;
  private readonly prefillTokenS: number;
  private readonly prefillPairS: number;
  private readonly autotunedSizes: ReadonlySet<number>;
  private readonly captureSizes: readonly number[];

  constructor(private readonly config: SimConfig) {
    const { profile: p, compilation: c, env, args } = config;
    const f = p.factors;
    const tp = (p.reference.tensor_parallel_size / args.tensor_parallel_size) ** f.tp_scaling_exponent;
    const mode = c.eager
      ? f.eager_decode
      : (c.cudagraphMode === "NONE" ? f.cudagraph_none_decode : 1) *
        (c.mode !== 3 ? f.inductor_off_decode : 1) *
        (c.cudagraphMode === "PIECEWISE" && p.gpu.supports_full_cudagraph ? f.piecewise_only_decode : 1);
    const ep = config.expertParallel === p.reference.expert_parallel ? 1 : config.expertParallel ? 1 / f.no_expert_parallel_per_seq : f.no_expert_parallel_per_seq;
    const atomic = env.VLLM_MARLIN_USE_ATOMIC_ADD ? 1 : f.marlin_atomic_add_off;
    const precision = { highest: f.fp32_matmul_highest, high: (1 + f.fp32_matmul_highest) / 2, medium: 1 }[env.VLLM_FLOAT32_MATMUL_PRECISION];
    this.fixedS = (p.decode.fixed_ms / 1000) * mode * tp * atomic * precision;
    this.perSeqS = (p.decode.per_seq_ms / 1000) * mode * tp * ep;
    const s = c.autotuneStrength;
    this.fixedTunedS = this.fixedS * (1 - s * (1 - f.autotune_fixed));
    this.perSeqTunedS = this.perSeqS * (1 - s * (1 - f.autotune_per_seq));
    this.attnS = (p.decode.attention_us_per_context_token / 1e6) * tp;
    const prefillMult = (c.eager ? f.eager_prefill : 1) * tp;
    this.prefillTokenS = prefillMult / p.prefill.tokens_per_s;
    this.prefillPairS = (p.prefill.attention_ns_per_token_pair / 1e9) * prefillMult;
    this.autotunedSizes = new Set(c.compileSizes);
    this.captureSizes = c.captureSizes;
  }

  /** Duration of one engine step, in simulated seconds. */
  stepSeconds(shape: StepShape): number {
    if (shape.decodeSeqs === 0 && shape.prefillTokens === 0) return 0;
    const tuned = shape.prefillTokens === 0 && this.autotunedSizes.has(this.paddedBatch(shape.decodeSeqs));
    const fixed = tuned ? this.fixedTunedS : this.fixedS;
    const perSeq = tuned ? this.perSeqTunedS : this.perSeqS;
    return (
      fixed +
      perSeq * shape.decodeSeqs +
      this.attnS * shape.decodeContextTokens +
      this.prefillTokenS * shape.prefillTokens +
      this.prefillPairS * shape.prefillTokenPairs
    );
  }

  /** API-server time before a request reaches the engine's queue. */
  requestOverheadSeconds(promptTokens: number): number {
    const o = this.config.profile.request_overhead;
    return o.fixed_s + (o.us_per_prompt_token / 1e6) * promptTokens;
  }

  /** Extra time of a prefill step whose size bucket was not captured yet (0 when eager or already seen). */
  graphWarmupSeconds(first: boolean, compileCache: boolean): number {
    if (this.config.compilation.eager) return 0;
    const w = this.config.profile.graph_warmup;
    const column = compileCache ? "compile_cache" : "no_compile_cache";
    return first ? w.first_prefill_s[column] : w.new_bucket_s[column];
  }

  private paddedBatch(batch: number): number {
    return this.captureSizes.find((size) => size >= batch) ?? batch;
  }
}

/** Bucket of a prefill step for graph warmup: the next power of two of its token count. */
export function prefillBucket(tokens: number): number {
  return 2 ** Math.ceil(Math.log2(Math.max(1, tokens)));
}

export function planMemory(config: SimConfig): MemoryPlan {
  const { profile: p, args, compilation } = config;
  const totalGib = p.gpu.total_memory_gib;
  const requestedGib = args.gpu_memory_utilization * totalGib;
  const weightsGib = p.model.weights_gib / (args.tensor_parallel_size * args.pipeline_parallel_size);
  const activationGib = (p.memory.activation_gib_per_1k_batched_tokens * config.maxNumBatchedTokens) / 1000;
  const cudagraphGib = compilation.cudagraphMode === "NONE" ? 0 : p.memory.cudagraph_gib;
  const availableKvGib = requestedGib - weightsGib - p.memory.non_torch_gib - activationGib - cudagraphGib;
  const fp8 = args.kv_cache_dtype.startsWith("fp8") ? 0.5 : 1;
  const split = p.model.kv_replicated_across_tp ? 1 : args.tensor_parallel_size;
  const kvBytesPerToken = (p.model.kv_bytes_per_token * fp8) / split / args.pipeline_parallel_size;
  const fitted = Math.max(0, Math.floor((availableKvGib * GIB) / (config.blockSize * kvBytesPerToken)));
  const numGpuBlocks = args.num_gpu_blocks_override ?? fitted;
  return {
    totalGib,
    freeGib: p.gpu.free_memory_at_startup_gib,
    requestedGib,
    weightsGib,
    activationGib,
    cudagraphGib,
    availableKvGib,
    kvBytesPerToken,
    numGpuBlocks,
    kvTokens: numGpuBlocks * config.blockSize,
  };
}

export function startupTimeline(config: SimConfig, compileCache: boolean): StartupTimeline {
  const { profile: p, compilation: c, args } = config;
  const column = compileCache ? "compile_cache" : "no_compile_cache";
  const compiled = !c.eager && c.mode === 3;
  const capturedGraphs = c.captureSizes.length * (c.cudagraphMode === "FULL_AND_PIECEWISE" ? 2 : 1);
  return {
    loadS: args.load_format === "dummy" ? p.startup.dummy_load_s : p.model.weights_gib / args.tensor_parallel_size / p.startup.weights_gib_per_s,
    dynamoS: compiled ? p.startup.dynamo_s[column] : 0,
    inductorS: compiled ? p.startup.inductor_s[column] : 0,
    autotuneS: compiled && c.autotuneStrength > 0 ? p.startup.autotune_s[column] : 0,
    profileS: p.startup.profile_s,
    captureS: capturedGraphs * p.startup.capture_s_per_size,
    capturedGraphs,
    apiServerS: p.startup.api_server_s,
  };
}
