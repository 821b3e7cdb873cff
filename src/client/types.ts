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
  /** Time spent waiting for a slot behind the client's own concurrency gate. */
  gateWaitNs: number;
  /** Just before the HTTP request was sent (after the gate). */
  startNs: number;
  /** First chunk that carries content (text, reasoning or tool-call arguments). */
  firstTokenNs?: number;
  /** Last chunk of the stream (any SSE data but `[DONE]`, as vllm bench serve ends E2EL), or the failure. */
  endNs: number;
  /** Arrival time of every content chunk, in order. */
  chunkNs: number[];
  /** When a replay meant to send it (send lag = startNs - scheduledNs). */
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
