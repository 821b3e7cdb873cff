/**
 * Default of `request_timeout_s` (grids) and `--request-timeout` (`bench run`): the longest the lab waits for an
 * engine's answer to start, and then for each next piece of it. Long enough for a long prompt's prefill on a
 * slow machine; a frozen engine fails the request after it instead of hanging the run.
 */
export const DEFAULT_REQUEST_TIMEOUT_S = 600;
/** Default of `point_timeout_s`: the watchdog on one point (every suite of it). */
export const DEFAULT_POINT_TIMEOUT_S = 7200;

/**
 * One request as the client saw it. All times are integer nanoseconds on the monotonic clock, relative to the
 * run's epoch (so they fit a double exactly for ~104 days), or, when `simClock` is set, on the simulator's clock
 * as its stream stamped them (already real-time equivalents, whatever the time scale).
 */
export interface RequestRecord {
  ok: boolean;
  /** Times are the simulator's (stamped by the engine), not the client's wall clock. */
  simClock?: boolean;
  /** The stream's last event (the end of the request for the engine, after the last content chunk). */
  streamEndNs?: number;
  error?: string;
  /** What kind of failure `error` is, for classifying failed rows (see RequestErrorKind). */
  errorKind?: RequestErrorKind;
  /** The HTTP status when the engine answered something other than 200. */
  httpStatus?: number;
  /** Time spent waiting for a slot behind the client's own concurrency gate. */
  gateWaitNs: number;
  /** Just before the HTTP request was sent (after the gate). */
  startNs: number;
  /** When the HTTP client began writing the request on its connection (after any wait for one). */
  sentNs?: number;
  /** First chunk that carries content (text, reasoning or tool-call arguments). */
  firstTokenNs?: number;
  /** Last chunk of the stream (any SSE data but `[DONE]`, as vllm bench serve ends E2EL), or the failure. */
  endNs: number;
  /** Arrival time of every content chunk, in order. */
  chunkNs: number[];
  /** When a replay meant to send it (send lag = sentNs - scheduledNs). */
  scheduledNs?: number;
  /** Replays: the session (lane) and the request's turn in it, from 1. */
  session?: string;
  turn?: number;
  /** Prompt tokens an unbounded prefix cache could have served (the replay's "ideal"), and the prompt size it assumed. */
  idealCachedTokens?: number;
  plannedPromptTokens?: number;
  /** From the server's usage (never re-tokenized unless the server gave none). */
  promptTokens?: number;
  outputTokens?: number;
  cachedTokens?: number;
  /** `tokenizer` when the server sent no usage and the lab counted the tokens through the engine's tokenizer. */
  tokensSource?: "usage" | "tokenizer";
  /** Server-side prompt processing time when the engine reports it (llama.cpp `timings.prompt_ms`). */
  serverPromptMs?: number;
  /** The generated text and tool calls, for suites that check what came back. */
  text?: string;
  toolCalls?: ToolCall[];
  finishReason?: string;
}

/**
 * `timeout`: nothing from the engine for the request timeout; `connect`: no connection (refused, reset before any
 * answer); `http`: a status other than 200; `stream_broken`: the connection dropped after the 200; `stream_error`:
 * an error event inside the stream; `no_content`: the stream ended without content; `aborted`: the lab stopped it.
 */
export type RequestErrorKind = "timeout" | "connect" | "http" | "stream_broken" | "stream_error" | "no_content" | "aborted";

/** A tool call as streamed back: OpenAI gives an id, Anthropic tool_use blocks carry theirs in the block. */
export interface ToolCall {
  id?: string;
  name: string;
  arguments: string;
}

export interface Clock {
  /** Monotonic nanoseconds since the run's epoch, as an integer. */
  now(): number;
}

export function monotonicClock(epoch: bigint = process.hrtime.bigint()): Clock {
  return { now: () => Number(process.hrtime.bigint() - epoch) };
}
