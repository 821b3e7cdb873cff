import { passThroughFlags, realChoices } from "./real-flags.ts";

/**
 * Every flag `bench sim serve` accepts, as data: the vLLM `vllm serve` flags (REFERENCE.md section 1 plus the
 * ones users commonly pass) and the simulator's own switches. Spellings, aliases and defaults follow vLLM; every
 * BooleanOptionalAction flag also has its `--no-x` form. `dest` is the snake_case name. Every other flag of the vLLM
 * version the simulator matches (vllm-serve-flags.json, dumped from its argparse) is accepted too.
 */
/** `bool`: BooleanOptionalAction (`--x` / `--no-x`); `store_true`: `--x` only. */
export type FlagKind = "bool" | "store_true" | "str" | "int" | "float" | "hint" | "hint_auto" | "json" | "list";

export interface FlagSpec {
  readonly name: string;
  readonly kind: FlagKind;
  readonly aliases?: readonly string[];
  readonly default?: unknown;
  readonly choices?: readonly string[];
  readonly sim?: true;
  readonly help?: string;
}

const KV_DTYPES = realChoices("kv_cache_dtype");
const DTYPES = ["auto", "bfloat16", "float", "float16", "float32", "half"];

const OWN_FLAGS: readonly FlagSpec[] = [
  // Frontend (API server)
  { name: "host", kind: "str", help: "Host name; default all interfaces." },
  { name: "port", kind: "int", default: 8000 },
  { name: "uds", kind: "str" },
  { name: "uvicorn-log-level", kind: "str", default: "info", choices: ["critical", "debug", "error", "info", "trace", "warning"] },
  { name: "disable-uvicorn-access-log", kind: "bool", default: false },
  { name: "allow-credentials", kind: "bool", default: false },
  { name: "allowed-origins", kind: "json", default: ["*"] },
  { name: "allowed-methods", kind: "json", default: ["*"] },
  { name: "allowed-headers", kind: "json", default: ["*"] },
  { name: "api-key", kind: "list", help: "Bearer key(s) required on /v1 routes." },
  { name: "lora-modules", kind: "list" },
  { name: "chat-template", kind: "str" },
  { name: "chat-template-content-format", kind: "str", default: "auto", choices: ["auto", "openai", "string"] },
  { name: "trust-request-chat-template", kind: "bool", default: false },
  { name: "response-role", kind: "str", default: "assistant" },
  { name: "ssl-keyfile", kind: "str" },
  { name: "ssl-certfile", kind: "str" },
  { name: "ssl-ca-certs", kind: "str" },
  { name: "enable-ssl-refresh", kind: "bool", default: false },
  { name: "ssl-cert-reqs", kind: "int", default: 0 },
  { name: "root-path", kind: "str" },
  { name: "middleware", kind: "str" },
  { name: "return-tokens-as-token-ids", kind: "bool", default: false },
  { name: "enable-request-id-headers", kind: "bool", default: false },
  { name: "enable-auto-tool-choice", kind: "bool", default: false },
  { name: "exclude-tools-when-tool-choice-none", kind: "bool", default: false },
  { name: "tool-call-parser", kind: "str" },
  { name: "tool-parser-plugin", kind: "str", default: "" },
  { name: "tool-server", kind: "str" },
  { name: "log-config-file", kind: "str" },
  { name: "max-log-len", kind: "int" },
  { name: "disable-fastapi-docs", kind: "bool", default: false },
  { name: "enable-prompt-tokens-details", kind: "bool", default: false },
  { name: "enable-server-load-tracking", kind: "bool", default: false },
  { name: "enable-force-include-usage", kind: "bool", default: false },
  { name: "enable-tokenizer-info-endpoint", kind: "bool", default: false },
  { name: "enable-log-outputs", kind: "bool", default: false },
  { name: "h11-max-incomplete-event-size", kind: "int" },
  { name: "h11-max-header-count", kind: "int" },
  { name: "log-error-stack", kind: "bool", default: false },
  { name: "headless", kind: "store_true", default: false },
  { name: "api-server-count", kind: "int", aliases: ["-asc"], default: 1 },
  { name: "config", kind: "str", help: "YAML file of flags (CLI flags override it)." },
  { name: "enable-log-requests", kind: "bool", default: false },
  { name: "disable-log-stats", kind: "store_true", default: false },
  { name: "aggregate-engine-logging", kind: "store_true", default: false },
  // Model
  { name: "model", kind: "str" },
  { name: "runner", kind: "str", default: "auto", choices: ["auto", "draft", "generate", "pooling"] },
  { name: "convert", kind: "str", default: "auto" },
  { name: "tokenizer", kind: "str" },
  { name: "tokenizer-mode", kind: "str", default: "auto" },
  { name: "trust-remote-code", kind: "bool", default: false },
  { name: "dtype", kind: "str", default: "auto", choices: DTYPES },
  { name: "seed", kind: "int", default: 0 },
  { name: "hf-config-path", kind: "str" },
  { name: "allowed-local-media-path", kind: "str", default: "" },
  { name: "revision", kind: "str" },
  { name: "code-revision", kind: "str" },
  { name: "tokenizer-revision", kind: "str" },
  { name: "max-model-len", kind: "hint_auto" },
  { name: "quantization", kind: "str", aliases: ["-q"] },
  { name: "enforce-eager", kind: "bool", default: false },
  { name: "max-logprobs", kind: "int", default: 20 },
  { name: "logprobs-mode", kind: "str", default: "raw_logprobs" },
  { name: "disable-sliding-window", kind: "bool", default: false },
  { name: "disable-cascade-attn", kind: "bool", default: false },
  { name: "skip-tokenizer-init", kind: "bool", default: false },
  { name: "enable-prompt-embeds", kind: "bool", default: false },
  { name: "served-model-name", kind: "list" },
  { name: "config-format", kind: "str", default: "auto" },
  { name: "hf-token", kind: "str" },
  { name: "hf-overrides", kind: "json" },
  { name: "pooler-config", kind: "json" },
  { name: "generation-config", kind: "str", default: "auto" },
  { name: "override-generation-config", kind: "json" },
  { name: "enable-sleep-mode", kind: "bool", default: false },
  { name: "model-impl", kind: "str", default: "auto" },
  { name: "logits-processors", kind: "list" },
  { name: "io-processor-plugin", kind: "str" },
  // Load
  { name: "load-format", kind: "str", default: "auto" },
  { name: "download-dir", kind: "str" },
  { name: "safetensors-load-strategy", kind: "str", default: "lazy" },
  { name: "model-loader-extra-config", kind: "json" },
  { name: "ignore-patterns", kind: "list" },
  { name: "use-tqdm-on-load", kind: "bool", default: true },
  { name: "pt-load-map-location", kind: "str", default: "cpu" },
  // Parallelism
  { name: "distributed-executor-backend", kind: "str", choices: ["external_launcher", "mp", "ray", "uni"] },
  { name: "pipeline-parallel-size", kind: "int", aliases: ["-pp"], default: 1 },
  { name: "tensor-parallel-size", kind: "int", aliases: ["-tp"], default: 1 },
  { name: "decode-context-parallel-size", kind: "int", aliases: ["-dcp"], default: 1 },
  { name: "data-parallel-size", kind: "int", aliases: ["-dp"], default: 1 },
  { name: "data-parallel-rank", kind: "int", aliases: ["-dpn"] },
  { name: "data-parallel-start-rank", kind: "int", aliases: ["-dpr"] },
  { name: "data-parallel-size-local", kind: "int", aliases: ["-dpl"] },
  { name: "data-parallel-address", kind: "str", aliases: ["-dpa"] },
  { name: "data-parallel-rpc-port", kind: "int", aliases: ["-dpp"] },
  { name: "data-parallel-backend", kind: "str", aliases: ["-dpb"], default: "mp" },
  { name: "data-parallel-hybrid-lb", kind: "bool", aliases: ["-dph"], default: false },
  { name: "enable-expert-parallel", kind: "bool", aliases: ["-ep"], default: false },
  { name: "all2all-backend", kind: "str" },
  { name: "enable-dbo", kind: "bool", default: false },
  { name: "enable-eplb", kind: "bool", default: false },
  { name: "eplb-config", kind: "json" },
  { name: "expert-placement-strategy", kind: "str", default: "linear" },
  { name: "max-parallel-loading-workers", kind: "int" },
  { name: "ray-workers-use-nsight", kind: "bool", default: false },
  { name: "disable-custom-all-reduce", kind: "bool", default: false },
  { name: "worker-cls", kind: "str", default: "auto" },
  { name: "worker-extension-cls", kind: "str", default: "" },
  // KV cache
  { name: "block-size", kind: "int", choices: ["1", "8", "16", "32", "64", "128"] },
  { name: "gpu-memory-utilization", kind: "float", aliases: ["--device-memory-utilization"], default: 0.92 },
  { name: "kv-cache-memory-bytes", kind: "hint" },
  { name: "kv-cache-dtype", kind: "str", default: "auto", choices: KV_DTYPES },
  { name: "num-gpu-blocks-override", kind: "int" },
  { name: "enable-prefix-caching", kind: "bool" },
  { name: "prefix-caching-hash-algo", kind: "str", default: "sha256", choices: ["sha256", "sha256_cbor", "xxhash", "xxhash_cbor"] },
  { name: "cpu-offload-gb", kind: "float", default: 0 },
  { name: "kv-sharing-fast-prefill", kind: "bool", default: false },
  { name: "mamba-cache-dtype", kind: "str", default: "auto" },
  { name: "kv-offloading-size", kind: "float" },
  { name: "kv-offloading-backend", kind: "str" },
  // Multimodal and LoRA
  { name: "limit-mm-per-prompt", kind: "json" },
  { name: "mm-processor-kwargs", kind: "json" },
  { name: "mm-processor-cache-gb", kind: "float", default: 4 },
  { name: "mm-encoder-tp-mode", kind: "str", default: "weights" },
  { name: "skip-mm-profiling", kind: "bool", default: false },
  { name: "media-io-kwargs", kind: "json" },
  { name: "enable-lora", kind: "bool", default: false },
  { name: "max-loras", kind: "int", default: 1 },
  { name: "max-lora-rank", kind: "int", default: 16 },
  { name: "max-cpu-loras", kind: "int" },
  { name: "fully-sharded-loras", kind: "bool", default: false },
  // Observability
  { name: "show-hidden-metrics-for-version", kind: "str" },
  { name: "otlp-traces-endpoint", kind: "str" },
  { name: "collect-detailed-traces", kind: "list" },
  // Scheduler
  { name: "max-num-batched-tokens", kind: "hint" },
  { name: "max-num-seqs", kind: "int" },
  { name: "long-prefill-token-threshold", kind: "int", default: 0 },
  { name: "scheduling-policy", kind: "str", default: "fcfs", choices: ["fcfs", "priority"] },
  { name: "enable-chunked-prefill", kind: "bool" },
  { name: "disable-chunked-mm-input", kind: "bool", default: false },
  { name: "scheduler-cls", kind: "str" },
  { name: "disable-hybrid-kv-cache-manager", kind: "bool", default: false },
  { name: "async-scheduling", kind: "bool" },
  { name: "stream-interval", kind: "int", default: 1 },
  // Speculative decoding, structured outputs, reasoning
  { name: "speculative-config", kind: "json", aliases: ["-sc"] },
  { name: "structured-outputs-config", kind: "json" },
  { name: "reasoning-parser", kind: "str", default: "" },
  { name: "reasoning-parser-plugin", kind: "str", default: "" },
  // Compilation
  { name: "compilation-config", kind: "json", aliases: ["-cc"] },
  { name: "optimization-level", kind: "int", aliases: ["-O"], default: 2, choices: ["0", "1", "2", "3"] },
  { name: "attention-config", kind: "json", aliases: ["-ac"] },
  { name: "attention-backend", kind: "str" },
  { name: "kv-transfer-config", kind: "json" },
  { name: "kv-events-config", kind: "json" },
  { name: "ec-transfer-config", kind: "json" },
  { name: "additional-config", kind: "json" },
  // Simulator-only switches
  { name: "time-scale", kind: "float", default: 1, sim: true, help: "Run the model K times faster than real time." },
  { name: "startup-time-scale", kind: "float", sim: true, help: "Time scale of the startup alone (default: --time-scale)." },
  { name: "hardware", kind: "str", default: "glm-4.7-flash-awq-2x4090", sim: true, help: "Hardware profile name or YAML path." },
  { name: "fail-after-requests", kind: "int", sim: true, help: "The engine dies on request N+1." },
  { name: "crash-at-startup", kind: "bool", default: false, sim: true, help: "Fail engine init with a traceback." },
  {
    name: "sim-fault", kind: "str", default: "none", choices: ["none", "http-500", "close-mid-stream"], sim: true,
    help: "Harness fault on every generation request: answer 500, or close the connection after the first chunks.",
  },
  { name: "sim-seed", kind: "int", default: 0, sim: true, help: "Seed of every random choice." },
];

/** The simulator's own table, then every other flag the matched vLLM accepts (parsed, not acted on). */
export const FLAGS: readonly FlagSpec[] = [...OWN_FLAGS, ...passThroughFlags(OWN_FLAGS)];

export function destOf(flag: FlagSpec): string {
  return flag.name.replace(/-/g, "_");
}
