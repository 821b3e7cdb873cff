import type { Grid, ParamValue, ArgValue } from "../grid/schema.ts";
import type { EngineKind } from "./registry.ts";

export type { EngineKind } from "./registry.ts";

/**
 * Why a point failed to start or run. Startup causes are mapped from the engine's log by the adapter
 * (`readiness_rejected`: its readiness probe got an answer that is not "loading"); while suites run: `crashed`
 * (the engine exited), `request_timeout` (it sent nothing for request_timeout_s), `point_timeout` (the point's
 * watchdog), `requests_failed` (every request of a scenario failed), `suite_error` (the suite itself failed).
 */
export type FailureCause =
  | "oom" | "kv_cache_too_small" | "invalid_config" | "bind_failed" | "crashed" | "startup_timeout" | "missing_binary"
  | "readiness_rejected" | "suite_error" | "requests_failed" | "interrupted" | "request_timeout" | "point_timeout";

export interface Capabilities {
  /** OpenAI `/v1/chat/completions` streaming with usage. */
  openaiChat: boolean;
  /** Native Anthropic `/v1/messages`. */
  anthropicMessages: boolean;
  /** Shape of the tokenize endpoint, if any. */
  tokenize: "llamacpp" | "vllm" | null;
  /** How to drop the prefix cache between scenarios. */
  resetPrefixCache: "vllm" | "llamacpp-slots" | null;
  /** Whose Prometheus names `/metrics` uses (that engine's `serverMetrics`). */
  metrics: EngineKind | null;
}

/** The Prometheus names behind points.csv's server-side columns (metrics/server-deltas.ts). */
export interface ServerMetricNames {
  /** Every name starts with it: how a scrape tells whose names it holds. */
  prefix: string;
  /** Counters whose deltas add up to the prompt tokens looked up in the prefix cache. */
  queries: string[];
  /** Counter of prompt tokens found in the prefix cache. */
  hits: string;
  preemptions?: string;
  /** Gauges: requests waiting, KV-cache usage (0-1). */
  queue: string;
  kv: string;
}

export interface ResolveInput {
  grid: Grid;
  /** The grid file, for error messages. */
  file: string;
  /** `--binary` / `--model` over the grid's. */
  binary?: string;
  model?: string;
  /** Progress lines of a first-use build or model generation. */
  onSetup?: (line: string) => void;
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

/**
 * An engine plugin: everything the lab knows about one engine lives in its file (engines/<kind>.ts) and one
 * line of engines/registry.ts registers it; the grid schema, the image tables and the server-side metric names
 * all come from here.
 */
export interface EngineAdapter {
  kind: EngineKind;
  /** Human name and how to install, for "missing binary" errors. */
  installHint: string;
  /** Grids may name it in `engine:` (the simulator is chosen with --simulate instead). */
  inGrids: boolean;
  /** The engine this one stands in for (the simulator: vllm): grids of that engine run on it, its profiles deploy that one. */
  simulates?: EngineKind;
  /** Executable and port when nothing else says (dry runs, promoted profiles). */
  defaultBinary: string;
  defaultPort: number;
  /** Images whose entrypoint is the engine: the docker launcher's default, and a GPU build for promoted profiles where it differs. */
  images?: { default: string; gpu?: string };
  /** Names of its /metrics series behind the server-side columns, when it has them. */
  serverMetrics?: ServerMetricNames;
  /** The binary and model a run uses: named by flag or grid, else found, built or generated on first use. */
  resolve(input: ResolveInput): Promise<{ binary: string; model: string }>;
  /** Its version line for the manifest, when it can tell. */
  version?(binary: string): Promise<string | undefined>;
  render(input: RenderInput): LaunchSpec;
  /** The cause of a failed start, from the log text (both streams), or undefined if nothing is recognised. */
  classifyLog(log: string): FailureCause | undefined;
  /** Reject impossible parameter values early, naming the field. */
  checkParam?(name: string, values: ArgValue[], where: string): void;
}
