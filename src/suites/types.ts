import type { z } from "zod";
import type { Capabilities, EngineKind } from "../engines/types.ts";
import type { ParamValue } from "../grid/schema.ts";
import type { SuiteClientParam } from "../grid/params.ts";
import type { Clock } from "../client/types.ts";
import type { Repetition } from "../metrics/summarize.ts";
import type { Slo } from "../metrics/goodput.ts";
import type { Cell } from "../results/columns.ts";

export type Api = "openai" | "anthropic";

/** Where a suite sends requests. */
export interface Target {
  baseUrl: string;
  /** Model name to put in requests. */
  model: string;
  apiKey?: string;
  /** Key of the proxy at baseUrl when the lab started it with its own (LiteLLM's master key); apiKey stays the engine's. */
  frontKey?: string;
  /** Engine behind the URL, when the lab started it (unknown for `bench run` against any server). */
  engine?: EngineKind;
  capabilities: Capabilities;
  /** How requests reach the engine: direct, native, a proxy the lab starts (proxy, litellm, ccr) or an external URL. */
  path: string;
  /** The engine's own OpenAI-compatible URL when the lab knows it (the `proxy` suite compares against it). */
  directUrl?: string;
  /** Which API suites speak: OpenAI chat, or Anthropic Messages; default from `path` (proxy/native = anthropic). */
  api?: Api;
  /** The simulator's --time-scale K (it runs K times faster): wall times are multiplied by K to report real-time equivalents; 1 otherwise. */
  timeScale: number;
  /**
   * The engine is the lab's simulator and its stream stamps reach the client (direct or native path): requests
   * run in lanes on the simulator's clock (src/util/sim-clock-protocol.ts), so no figure depends on the time scale.
   */
  simClock?: boolean;
  /** `request_timeout_s` in ms: the longest wait for an answer to start and for each next piece of it. */
  requestTimeoutMs?: number;
}

export interface SuiteContext {
  target: Target;
  repetitions: number;
  clock: Clock;
  signal: AbortSignal;
  /** Short status for the progress display. */
  onPhase(phase: string): void;
  /** Starts (once) the proxy of that kind in front of the engine (`proxy`, `litellm`, `ccr`), where the lab can. */
  openFront?(kind: string): Promise<{ url: string; apiKey?: string }>;
  /** Called when a request timed out: the point's runner fails the point at once instead of waiting on a frozen engine. */
  onRequestTimeout?(error: string): void;
}

/** One measured scenario: R repetitions of the same requests, plus suite-specific columns. */
export interface ScenarioOutcome {
  scenario: string;
  concurrency: number;
  repetitions: Repetition[];
  extra?: Record<string, Cell>;
  /** User SLOs for goodput (suite option `slo`). */
  slo?: Slo;
}

export interface Suite<O = unknown> {
  kind: string;
  description: string;
  /** zod schema of the suite's options (grid `suites[].options`, `suites/<kind>.yaml`). */
  options: z.ZodType<O>;
  /**
   * The client-level grid parameters this suite honours, each mapped to the options it sets (e.g. concurrency
   * -> `{ levels: [v] }`). A grid whose matrix varies one the suite lacks is refused at load time: points that
   * differ only in it would measure the same thing under different labels.
   */
  clientParams: Partial<Record<SuiteClientParam, (value: ParamValue) => Record<string, unknown>>>;
  /** points.csv columns this suite adds beyond the metrics' (e.g. tool_calls_ok). */
  columns?: readonly string[];
  run(ctx: SuiteContext, options: O): Promise<ScenarioOutcome[]>;
}
