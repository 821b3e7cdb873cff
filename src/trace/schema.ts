import { z } from "zod";

/**
 * One line of a trace file (JSONL): one request of one session, as `bench proxy --record` writes it and
 * `bench trace synth` produces it. Only `session`, `index` and `body` are required; everything else refines
 * the schedule (`start_ms`, `think_ms`, `parent`) or records what happened (`outcome`).
 */
export const TraceOutcomeSchema = z.object({
  /** Anthropic `usage.input_tokens`: prompt tokens that were not read from the cache. */
  input_tokens: z.number().int().nonnegative().optional(),
  /** Prompt tokens read from the prefix cache (`cache_read_input_tokens`). */
  cached_tokens: z.number().int().nonnegative().optional(),
  output_tokens: z.number().int().nonnegative().optional(),
  ttft_ms: z.number().nonnegative().optional(),
  duration_ms: z.number().nonnegative().optional(),
  stop_reason: z.string().optional(),
  status: z.number().int().optional(),
  error: z.string().optional(),
});
export type TraceOutcome = z.infer<typeof TraceOutcomeSchema>;

export const TraceRequestSchema = z.object({
  /** The Claude Code session (X-Claude-Code-Session-Id, else metadata.user_id's session_id), plus a lane suffix for sub-agents. */
  session: z.string().min(1),
  /** Position of the request in its session, from 0. */
  index: z.number().int().nonnegative(),
  /** A sub-agent session starts after this request of its parent session has been answered. */
  parent: z.object({ session: z.string().min(1), index: z.number().int().nonnegative() }).optional(),
  /** Start, in ms since the trace began (first request of a top-level session: when it starts). */
  start_ms: z.number().nonnegative().optional(),
  /** Gap between the end of the previous response of the session (or the parent's) and this request: think and tool time. */
  think_ms: z.number().nonnegative().nullable().optional(),
  /** Wall-clock start (ISO 8601), informational. */
  ts: z.string().optional(),
  /** The Anthropic Messages body as the client sent it. */
  body: z.looseObject({ messages: z.array(z.unknown()).min(1, "needs at least one message") }),
  /** sha256 of the engine request the proxy sent for it (recordings only). */
  engine_sha256: z.string().optional(),
  outcome: TraceOutcomeSchema.optional(),
});
export type TraceRequest = z.infer<typeof TraceRequestSchema>;

/** A Mooncake-style line (FAST'25 traces): arrival time, sizes, and the hashes of its 512-token prompt blocks. */
export const MooncakeLineSchema = z.object({
  timestamp: z.number().nonnegative(),
  input_length: z.number().int().positive(),
  output_length: z.number().int().nonnegative(),
  hash_ids: z.array(z.number().int()),
});
export type MooncakeLine = z.infer<typeof MooncakeLineSchema>;

/** A session of a loaded trace: its requests in order. */
export interface TraceSession {
  id: string;
  parent?: { session: string; index: number };
  /** When it starts (top-level sessions), ms since the trace began. */
  startMs: number;
  requests: TraceRequest[];
}

export interface Trace {
  /** Where it came from (file path, or `synth`). */
  source: string;
  format: "lab" | "mooncake";
  sessions: TraceSession[];
}
