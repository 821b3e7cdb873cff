import type { z } from "zod";
import type { Capabilities, EngineKind } from "../engines/types.ts";
import type { Params } from "../grid/expand.ts";
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
  /** Engine behind the URL, when the lab started it (unknown for `bench run` against any server). */
  engine?: EngineKind;
  capabilities: Capabilities;
  /** How requests reach the engine: direct, proxy, native or an external URL. */
  path: string;
  /** The engine's own OpenAI-compatible URL when the lab knows it (the `proxy` suite compares against it). */
  directUrl?: string;
  /** Which API suites speak: OpenAI chat, or Anthropic Messages; default from `path` (proxy/native = anthropic). */
  api?: Api;
  /** Wall time is divided by this to report real-time equivalents (simulator's --time-scale); 1 otherwise. */
  timeScale: number;
  /**
   * The engine is the lab's simulator and its stream stamps reach the client (direct or native path): requests
   * run in lanes on the simulator's clock (src/util/sim-clock-protocol.ts), so no figure depends on the time scale.
   */
  simClock?: boolean;
}

export interface SuiteContext {
  target: Target;
  /** Client-level parameters of the point (e.g. concurrency), overriding suite options of the same name. */
  client: Params;
  repetitions: number;
  clock: Clock;
  signal: AbortSignal;
  /** Short status for the progress display. */
  onPhase(phase: string): void;
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
  run(ctx: SuiteContext, options: O): Promise<ScenarioOutcome[]>;
}
