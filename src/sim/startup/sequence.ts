import type { SimClock } from "../clock.ts";
import type { SimConfig } from "../config.ts";
import type { VllmLogger } from "../log.ts";
import { planMemory, startupTimeline, type MemoryPlan } from "../perf-model.ts";
import { checkConfig, checkFreeMemory, checkKvCacheDtype, checkKvCapacity, simulatedCrash } from "./checks.ts";
import { compileCacheDir, hasCompileCache, writeCompileCache } from "./compile-cache.ts";
import { pyRepr } from "./py-repr.ts";
import { FLAGS, destOf } from "../argv/flag-table.ts";

export const VLLM_VERSION = "0.13.0+sim";

export interface StartupResult {
  readonly memory: MemoryPlan;
  readonly maxModelLen: number;
  readonly compileCache: boolean;
}

const SECRET_ARGS = new Set(["api_key", "hf_token"]);
const SIM_ARGS = new Set(FLAGS.filter((f) => f.sim).map(destOf));

/**
 * vLLM's startup, in simulated time: config checks, engine init (load, compile, profile, KV sizing, graph
 * capture), with vLLM's log lines; throws StartupFailure where vLLM would die. The caller starts listening after.
 */
export async function runStartup(config: SimConfig, clock: SimClock, log: VllmLogger): Promise<StartupResult> {
  const { args, profile, compilation } = config;
  log.info("api_server.py:1839", `vLLM API server version ${VLLM_VERSION}`);
  const shown = Object.fromEntries(
    Object.entries({ model_tag: config.modelTag, ...config.explicitArgs })
      .filter(([k]) => !SIM_ARGS.has(k))
      .map(([k, v]) => [k, SECRET_ARGS.has(k) ? "***" : v]),
  );
  log.info("utils.py:253", `non-default args: ${pyRepr(shown)}`);
  checkConfig(config);
  const memory = planMemory(config);
  const maxModelLen = config.maxModelLenRequested > 0 ? config.maxModelLenRequested : Math.min(profile.model.max_position_embeddings, memory.kvTokens);
  log.info("model.py:547", `Resolved architecture: ${profile.model.architecture}`);
  log.info("model.py:1510", `Using max model len ${maxModelLen}`);
  if (config.chunkedPrefill) log.info("scheduler.py:205", `Chunked prefill is enabled with max_num_batched_tokens=${config.maxNumBatchedTokens}.`);
  if (compilation.cudagraphFallbackFrom) {
    log.warning("gpu_model_runner.py:3321", `CUDAGraphMode.${compilation.cudagraphFallbackFrom} is not supported with the attention backend on ${profile.gpu.name}; setting cudagraph_mode=PIECEWISE`);
  }
  if (compilation.eager) log.warning("config.py:482", "Enforce eager set, overriding optimization level to -O0");
  await clock.sleep(1.5);
  log.info("core.py:93", `Initializing a V1 LLM engine (v${VLLM_VERSION}) with config: model='${config.modelTag}', tensor_parallel_size=${args.tensor_parallel_size}, pipeline_parallel_size=${args.pipeline_parallel_size}, enable_expert_parallel=${config.expertParallel ? "True" : "False"}, max_seq_len=${maxModelLen}, enforce_eager=${compilation.eager ? "True" : "False"}, kv_cache_dtype=${args.kv_cache_dtype}, served_model_name=${config.servedModelNames[0]}, enable_prefix_caching=${config.prefixCaching ? "True" : "False"}, compilation_config={"mode": ${compilation.mode}, "cudagraph_mode": "${compilation.cudagraphMode}", "compile_sizes": ${JSON.stringify(compilation.compileSizes)}}`);
  for (let rank = 0; rank < config.worldSize; rank++) {
    log.info("parallel_state.py:1208", `rank ${rank} in world size ${config.worldSize} is assigned as DP rank 0, PP rank 0, TP rank ${rank}, EP rank ${config.expertParallel ? rank : 0}`);
  }
  await clock.sleep(2);
  checkFreeMemory(config, memory);
  const cache = hasCompileCache(config);
  const t = startupTimeline(config, cache);
  log.info("gpu_model_runner.py:2602", `Starting to load model ${config.modelTag}...`);
  checkKvCacheDtype(config);
  if (args.crash_at_startup) {
    await clock.sleep(t.loadS / 3);
    throw simulatedCrash();
  }
  await clock.sleep(t.loadS);
  log.info("default_loader.py:267", `Loading weights took ${(t.loadS * 0.92).toFixed(2)} seconds`);
  log.info("gpu_model_runner.py:2653", `Model loading took ${memory.weightsGib.toFixed(2)} GiB memory and ${t.loadS.toFixed(2)} seconds`);
  const compileS = t.dynamoS + t.inductorS + t.autotuneS;
  if (compileS > 0) {
    log.info("backends.py:548", `Using cache directory: ${compileCacheDir(config)}/rank_0_0/backbone for vLLM's torch.compile`);
    await clock.sleep(t.dynamoS);
    log.info("backends.py:559", `Dynamo bytecode transform time: ${t.dynamoS.toFixed(2)} s`);
    await clock.sleep(t.inductorS);
    log.info(
      cache ? "backends.py:197" : "backends.py:218",
      cache ? `Directly load the compiled graph(s) for dynamic shape from the cache, took ${t.inductorS.toFixed(3)} s` : `Compiling a graph for dynamic shape takes ${t.inductorS.toFixed(2)} s`,
    );
    if (t.autotuneS > 0) {
      await clock.sleep(t.autotuneS);
      log.info("backends.py:232", `${cache ? "Loaded" : "Compiled"} graphs for compile_sizes ${JSON.stringify(compilation.compileSizes)} with Inductor autotune in ${t.autotuneS.toFixed(2)} s`);
    }
    log.info("monitor.py:34", `torch.compile took ${compileS.toFixed(2)} s in total`);
  }
  await clock.sleep(t.profileS);
  log.info("gpu_worker.py:298", `Available KV cache memory: ${Math.max(0, memory.availableKvGib).toFixed(2)} GiB`);
  checkKvCapacity(config, memory, maxModelLen);
  log.info("kv_cache_utils.py:1087", `GPU KV cache size: ${memory.kvTokens.toLocaleString("en-US")} tokens`);
  log.info("kv_cache_utils.py:1091", `Maximum concurrency for ${maxModelLen} tokens per request: ${(memory.kvTokens / maxModelLen).toFixed(2)}x`);
  if (t.capturedGraphs > 0) {
    await clock.sleep(t.captureS);
    log.info("gpu_model_runner.py:3480", `Graph capturing finished in ${Math.round(t.captureS)} secs, took ${memory.cudagraphGib.toFixed(2)} GiB`);
  }
  log.info("core.py:210", `init engine (profile, create kv cache, warmup model) took ${(compileS + t.profileS + t.captureS).toFixed(2)} seconds`);
  if (compileS > 0) writeCompileCache(config);
  await clock.sleep(t.apiServerS);
  log.info("api_server.py:1634", "Supported_tasks: ['generate']");
  return { memory, maxModelLen, compileCache: cache };
}
