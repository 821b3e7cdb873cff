import { DEFAULT_THINK, type ThinkModel } from "./think-time.ts";

/** What `bench trace synth` makes, and its defaults (a module of its own, so the CLI's help needs nothing else). */
export interface SynthOptions {
  sessions: number;
  /** Requests per main session; request k carries k tool round trips of history. */
  turns: number;
  /** Sub-agents each main session launches (in parallel, half-way through), each its own session. */
  subagents: number;
  /** Size of the first request (system + tools + first user turn), estimated offline. */
  promptTokens: number;
  /** Median lines of output per tool result (log-normal, sigma 0.8, 5 to 400 lines). */
  toolResultLines: number;
  /** Median tokens per response (log-normal, sigma 0.6, a quarter to 4x the median). */
  outputTokens: number;
  /** Gap between the starts of consecutive sessions. */
  sessionGapMs: number;
  think: ThinkModel;
  /**
   * A new billing-header `cch=` on every request, as Claude Code 2.1.197 sent it (REFERENCE.md section 3): the
   * first bytes of every prompt change. Claude Code 2.1.332 (the pinned release) sends no cch= in `-p` runs.
   */
  rotateCch: boolean;
  model: string;
  seed: string;
}

export const SYNTH_DEFAULTS: SynthOptions = {
  sessions: 1, turns: 8, subagents: 0, promptTokens: 28_000, toolResultLines: 40, outputTokens: 200,
  sessionGapMs: 10_000, think: DEFAULT_THINK, rotateCch: false, model: "claude-sonnet-4-5", seed: "tunelab",
};
