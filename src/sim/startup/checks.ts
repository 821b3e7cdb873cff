import type { SimConfig } from "../config.ts";
import type { MemoryPlan } from "../perf-model.ts";
import { StartupFailure, frame } from "./failure.ts";

const gib = (bytes: number): string => (bytes / 1024 ** 3).toFixed(2);
const round2 = (x: number): number => Math.round(x * 100) / 100;

function validationError(model: string, variable: string, message: string, input: string): StartupFailure {
  return new StartupFailure(
    "config",
    `pydantic_core._pydantic_core.ValidationError: 1 validation error for ${model}\n  Value error, ${message} [type=value_error, input_value=${input}, input_type=ArgsKwargs]\n    For further information visit https://errors.pydantic.dev/2.11/v/value_error`,
    [
      frame("vllm/engine/arg_utils.py", 1365, "create_engine_config", `${variable} = ${model}(`),
      frame("/usr/local/lib/python3.12/dist-packages/pydantic/_internal/_dataclasses.py", 123, "__init__", "s.__pydantic_validator__.validate_python(ArgsKwargs(args, kwargs), self_instance=s)"),
    ],
  );
}

/** What vLLM rejects while building its config, before any engine starts (traceback, exit 1). */
export function checkConfig(config: SimConfig): void {
  const { args, profile } = config;
  const util = args.gpu_memory_utilization;
  if (!(util > 0 && util <= 1)) {
    throw new StartupFailure(
      "config",
      `pydantic_core._pydantic_core.ValidationError: 1 validation error for CacheConfig\ngpu_memory_utilization\n  Input should be ${util <= 0 ? "greater than 0" : "less than or equal to 1"} [type=${util <= 0 ? "greater_than" : "less_than_equal"}, input_value=${util}, input_type=float]`,
      [frame("vllm/engine/arg_utils.py", 1290, "create_engine_config", "cache_config = CacheConfig(")],
    );
  }
  const derived = profile.model.max_position_embeddings;
  if (config.maxModelLenRequested > derived && !config.env.VLLM_ALLOW_LONG_MAX_MODEL_LEN) {
    throw validationError(
      "ModelConfig",
      "model_config",
      `User-specified max_model_len (${config.maxModelLenRequested}) is greater than the derived max_model_len (max_position_embeddings=${derived} or model_max_length=None in model's config.json). To allow overriding this maximum, set the env var VLLM_ALLOW_LONG_MAX_MODEL_LEN=1. VLLM_ALLOW_LONG_MAX_MODEL_LEN must be used with extreme caution. If the model uses relative position encoding (RoPE), positions exceeding derived_max_model_len lead to nan. If the model uses absolute position encoding, positions exceeding derived_max_model_len will cause a CUDA array out-of-bounds error.`,
      "ArgsKwargs((), {'model': ...})",
    );
  }
  if (config.maxNumBatchedTokens < config.maxNumSeqs) {
    throw validationError(
      "SchedulerConfig",
      "scheduler_config",
      `max_num_batched_tokens (${config.maxNumBatchedTokens}) must be greater than or equal to max_num_seqs (${config.maxNumSeqs}).`,
      `ArgsKwargs((), {'max_num_batched_tokens': ${config.maxNumBatchedTokens}, 'max_num_seqs': ${config.maxNumSeqs}, ...})`,
    );
  }
  if (!config.chunkedPrefill && config.maxModelLenRequested > 0 && config.maxNumBatchedTokens < config.maxModelLenRequested) {
    throw validationError(
      "SchedulerConfig",
      "scheduler_config",
      `max_num_batched_tokens (${config.maxNumBatchedTokens}) is smaller than max_model_len (${config.maxModelLenRequested}). This effectively limits the maximum sequence length to max_num_batched_tokens and makes vLLM reject longer sequences. Please increase max_num_batched_tokens or decrease max_model_len.`,
      `ArgsKwargs((), {'max_num_batched_tokens': ${config.maxNumBatchedTokens}, ...})`,
    );
  }
  if (config.worldSize > profile.gpu.count) {
    throw new StartupFailure(
      "config",
      `ValueError: World size (${config.worldSize}) is larger than the number of available GPUs (${profile.gpu.count}) in this node. If this is intentional and you are using:\n- ray, please set 'ray start' or 'ray.init()' to use more GPUs.\n- mp, please lower tensor-parallel-size * pipeline-parallel-size * data-parallel-size.`,
      [frame("vllm/config/parallel.py", 512, "__post_init__", "raise ValueError(")],
    );
  }
}

/** Worker init: more memory requested than is free on the device. */
export function checkFreeMemory(config: SimConfig, plan: MemoryPlan): void {
  if (plan.freeGib >= plan.requestedGib) return;
  throw new StartupFailure(
    "engine",
    `ValueError: Free memory on device (${round2(plan.freeGib)}/${round2(plan.totalGib)} GiB) on startup is less than desired GPU memory utilization (${config.args.gpu_memory_utilization}, ${round2(plan.requestedGib)} GiB). Decrease GPU memory utilization or reduce GPU memory used by other processes.`,
    [
      frame("vllm/v1/engine/core.py", 505, "__init__", "super().__init__(vllm_config, executor_class, log_stats,"),
      frame("vllm/v1/executor/abstract.py", 54, "__init__", "self._init_executor()"),
      frame("vllm/v1/worker/gpu_worker.py", 218, "init_device", "self.requested_memory = request_memory(init_snapshot, self.cache_config)"),
      frame("vllm/v1/worker/utils.py", 301, "request_memory", "raise ValueError("),
    ],
  );
}

/** Attention backend selection: a KV cache dtype the backend cannot store. */
export function checkKvCacheDtype(config: SimConfig): void {
  const dtype = config.args.kv_cache_dtype;
  if (config.profile.gpu.supported_kv_cache_dtypes.includes(dtype)) return;
  throw new StartupFailure("engine", config.profile.gpu.kv_cache_dtype_error, [
    frame("vllm/v1/worker/gpu_model_runner.py", 2611, "load_model", "self.model = model_loader.load_model("),
    frame("vllm/attention/layer.py", 266, "__init__", "self.impl = impl_cls(num_heads, head_size, scale, num_kv_heads,"),
  ]);
}

const KV_FRAMES = [
  frame("vllm/v1/engine/core.py", 112, "__init__", "num_gpu_blocks, num_cpu_blocks, kv_cache_config = self._initialize_kv_caches("),
  frame("vllm/v1/engine/core.py", 233, "_initialize_kv_caches", "kv_cache_configs = get_kv_cache_configs("),
  frame("vllm/v1/core/kv_cache_utils.py", 1276, "get_kv_cache_configs", "check_enough_kv_cache_memory("),
];

/** KV cache sizing after profiling: no room at all, or not enough for one request of max_model_len. */
export function checkKvCapacity(config: SimConfig, plan: MemoryPlan, maxModelLen: number): void {
  if (plan.availableKvGib <= 0 || plan.numGpuBlocks === 0) {
    throw new StartupFailure(
      "engine",
      "ValueError: No available memory for the cache blocks. Try increasing `gpu_memory_utilization` when initializing the engine.",
      [...KV_FRAMES, frame("vllm/v1/core/kv_cache_utils.py", 688, "check_enough_kv_cache_memory", "raise ValueError(")],
    );
  }
  if (maxModelLen <= plan.kvTokens) return;
  const needed = maxModelLen * plan.kvBytesPerToken;
  const available = plan.availableKvGib * 1024 ** 3;
  const estimated = plan.kvTokens;
  throw new StartupFailure(
    "engine",
    `ValueError: To serve at least one request with the models's max seq len (${maxModelLen}), (${gib(needed)} GiB KV cache is needed, which is larger than the available KV cache memory (${gib(available)} GiB). Based on the available memory, the estimated maximum model length is ${estimated}. Try increasing \`gpu_memory_utilization\` or decreasing \`max_model_len\` when initializing the engine.`,
    [...KV_FRAMES, frame("vllm/v1/core/kv_cache_utils.py", 705, "check_enough_kv_cache_memory", "raise ValueError(")],
  );
}

/** `--crash-at-startup`: a CUDA fault while loading weights. */
export function simulatedCrash(): StartupFailure {
  return new StartupFailure(
    "engine",
    "RuntimeError: CUDA error: an illegal memory access was encountered\nCUDA kernel errors might be asynchronously reported at some other API call, so the stacktrace below might be incorrect.\nFor debugging consider passing CUDA_LAUNCH_BLOCKING=1\nCompile with `TORCH_USE_CUDA_DSA` to enable device-side assertions.",
    [
      frame("vllm/v1/worker/gpu_model_runner.py", 2611, "load_model", "self.model = model_loader.load_model("),
      frame("vllm/model_executor/model_loader/default_loader.py", 267, "load_weights", "loaded_weights = model.load_weights("),
    ],
  );
}
