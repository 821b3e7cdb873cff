import type { Grid, ParamValue, ArgValue } from "../grid/schema.ts";

export type EngineKind = "llamacpp" | "vllm" | "sim";

/**
 * Why a point failed to start or run. Startup causes are mapped from the engine's log by the adapter; while
 * suites run: `crashed` (the engine exited), `request_timeout` (it sent nothing for request_timeout_s),
 * `point_timeout` (the point's watchdog), `server_error` (every request got a 5xx or an error in the stream),
 * `stream_broken` (every stream was cut), `request_error` (every request failed otherwise), `suite_error`.
 */
export type FailureCause =
  | "oom" | "kv_cache_too_small" | "invalid_config" | "bind_failed" | "crashed" | "startup_timeout" | "missing_binary" | "suite_error"
  | "interrupted" | "request_timeout" | "point_timeout" | "server_error" | "stream_broken" | "request_error";

export interface Capabilities {
  /** OpenAI `/v1/chat/completions` streaming with usage. */
  openaiChat: boolean;
  /** Native Anthropic `/v1/messages`. */
  anthropicMessages: boolean;
  /** Shape of the tokenize endpoint, if any. */
  tokenize: "llamacpp" | "vllm" | null;
  /** How to drop the prefix cache between scenarios. */
  resetPrefixCache: "vllm" | "llamacpp-slots" | null;
  /** Which Prometheus names `/metrics` uses. */
  metrics: "vllm" | "llamacpp" | null;
}

export interface ReadinessProbe {
  /** Path polled until it answers 200. */
  path: string;
  /** Statuses that mean "still loading" (llama.cpp: 503); connection refused always means "not yet". */
  loadingStatuses: number[];
}

/** Everything a launcher needs to start an engine; nobody parses argv back. */
export interface LaunchSpec {
  engine: EngineKind;
  command: string;
  args: string[];
  /** Variables added to the launcher's environment; values may be `${NAME}` references, expanded at launch. */
  env: Record<string, string>;
  host: string;
  port: number;
  baseUrl: string;
  servedName: string;
  readiness: ReadinessProbe;
  capabilities: Capabilities;
  /** Bearer key clients must send, read from the environment at run time, never stored. */
  apiKeyEnv?: string;
}

export interface RenderInput {
  grid: Grid;
  /** Server-level parameters of the point (matrix values), merged over grid.args. */
  server: Record<string, ParamValue>;
  host: string;
  port: number;
  /** Resolved engine binary and model path (after setup). */
  binary: string;
  model: string;
}

export interface EngineAdapter {
  kind: EngineKind;
  /** Human name and how to install, for "missing binary" errors. */
  installHint: string;
  render(input: RenderInput): LaunchSpec;
  /** The cause of a failed start, from the log text (both streams), or undefined if nothing is recognised. */
  classifyLog(log: string): FailureCause | undefined;
  /** Reject impossible parameter values early, naming the field. */
  checkParam?(name: string, values: ArgValue[], where: string): void;
}
