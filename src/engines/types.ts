import type { Grid, ParamValue, ArgValue } from "../grid/schema.ts";

export type EngineKind = "llamacpp" | "vllm" | "sim";

/** Why a point failed to start or run; mapped from the engine's log by the adapter. */
export type FailureCause =
  | "oom" | "kv_cache_too_small" | "invalid_config" | "bind_failed" | "crashed" | "startup_timeout" | "missing_binary"
  | "readiness_rejected" | "suite_error" | "requests_failed" | "interrupted";

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
  /** Where the engine reads the key clients must send: this flag in `args`, else this environment variable. */
  auth?: { flag: string; env: string };
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
  /** Simulated runs only: the simulator's speed-up and hardware profile (`--time-scale`, `--hardware`). */
  simulation?: Simulation;
}

export interface Simulation {
  timeScale: number;
  hardware?: string;
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
