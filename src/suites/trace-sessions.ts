import { z } from "zod";
import { replayBody } from "../replay/prepare-body.ts";
import { cachedTrace } from "../replay/trace-source.ts";
import type { TraceRequest } from "../trace/schema.ts";
import { newSalt } from "./prompt.ts";
import type { SessionScript, SessionSource } from "./session-source.ts";
import type { MessagesRequest } from "./workload/types.ts";

/** A trace file that cannot be read is reported when the grid is loaded, naming the file and line. */
export const TraceFileOption = z.string().min(1).superRefine((trace, ctx) => {
  try {
    cachedTrace(trace, 512);
  } catch (err) {
    ctx.addIssue({ code: "custom", message: (err as Error).message });
  }
});

export interface TraceSessionOptions {
  /** A trace file: the lab's JSONL (bench proxy --record, bench trace synth) or Mooncake-style JSONL. */
  trace: string;
  /** Output length for requests whose trace recorded none. */
  output_tokens: number;
  /** Tokens per Mooncake hash block. */
  block_tokens: number;
}

/**
 * Recorded sessions as the capacity suite's users: user i replays the trace's top-level session i (cycling when
 * there are more users than sessions), each copy with its own salt (copies share system prompt and tools, not
 * conversations, as replay's copies do), every request with its recorded body, output length and think time.
 * Sub-agent sessions are left out: a user is one lane of requests one after the other.
 */
export function traceSessions(model: string, o: TraceSessionOptions): SessionSource {
  const trace = cachedTrace(o.trace, o.block_tokens);
  const top = trace.sessions.filter((s) => !s.parent && s.requests.length);
  if (!top.length) throw new Error(`trace ${o.trace}: no top-level session with requests (sub-agent sessions alone cannot be users)`);
  const meanThinkS = mean(top.flatMap((s) => s.requests.slice(1).map((r) => (r.think_ms ?? 0) / 1000)));
  return {
    name: `trace ${trace.source} (${top.length} sessions)`,
    async sessions(count) {
      const salt = newSalt();
      return Array.from({ length: count }, (_, i): SessionScript => ({
        turns: top[i % top.length].requests.map((req, t) => ({
          request: requestOf(req, `${salt}-${i + 1}`, model, o.output_tokens),
          // users start staggered over one (mean) think time, as the synthetic sessions do
          thinkS: t === 0 ? (meanThinkS * i) / count : (req.think_ms ?? 0) / 1000,
        })),
      }));
    },
  };
}

function requestOf(req: TraceRequest, salt: string, model: string, defaultOutput: number): MessagesRequest {
  const output = req.outcome?.output_tokens || defaultOutput;
  const body = replayBody(req.body as Record<string, unknown> & { messages: unknown[] }, salt, model, Math.min(output, Number(req.body.max_tokens ?? output) || output));
  const { stream: _stream, ...rest } = body;
  // the recorded output length, whatever the model says (vLLM and llama.cpp extension)
  return { ...(rest as unknown as MessagesRequest), ignore_eos: true };
}

function mean(xs: number[]): number {
  return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0;
}
