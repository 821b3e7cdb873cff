import { createHash } from "node:crypto";
import { closeSync, fchmodSync, openSync, writeSync } from "node:fs";
import { failure } from "../errors.ts";
import type { ExchangeResult, ProxyObserver } from "../proxy/observe.ts";
import { LaneBook } from "./lanes.ts";
import type { TraceRequest } from "./schema.ts";
import { sessionIdOf } from "./session-id.ts";

/**
 * `bench proxy --record FILE`: one trace line per /v1/messages request, appended when its response ends.
 * Only the body and the session header are read from a request: auth headers and the environment never reach
 * the file, which is created (or reset) to mode 0600 because it holds prompts and file contents.
 */
export class TraceRecorder implements ProxyObserver {
  private readonly fd: number;
  private readonly lanes = new LaneBook();
  private t0?: number;

  constructor(readonly file: string, warn: (line: string) => void) {
    try {
      this.fd = openSync(file, "a", 0o600);
      fchmodSync(this.fd, 0o600);
    } catch (err) {
      throw failure(`--record ${file}: cannot open it for writing (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
    }
    warn(`recording every request's prompt and file contents to ${file} (mode 0600): keep it private`);
  }

  begin(ex: Parameters<ProxyObserver["begin"]>[0]) {
    this.t0 ??= ex.receivedAt;
    const session = sessionIdOf(ex.headers, ex.body) ?? "no-session";
    const { lane, index, parent } = this.lanes.assign(session, ex.body);
    const previousEnd = index > 0 && lane.lastIndex === index - 1 ? lane.lastEnd : parent?.endedAt;
    const line: Omit<TraceRequest, "outcome"> = {
      session: lane.id,
      index,
      ...(parent ? { parent: { session: parent.session, index: parent.index } } : {}),
      start_ms: round(ex.receivedAt - this.t0),
      think_ms: previousEnd === undefined ? null : round(Math.max(0, ex.receivedAt - previousEnd)),
      ts: ex.receivedWall,
      body: ex.body as TraceRequest["body"],
      engine_sha256: createHash("sha256").update(ex.engineBody).digest("hex"),
    };
    return {
      end: (result: ExchangeResult) => {
        this.lanes.ended(lane, index, result.endedAt);
        writeSync(this.fd, JSON.stringify({ ...line, outcome: outcomeOf(result, ex.receivedAt) }) + "\n");
      },
    };
  }

  close(): void {
    closeSync(this.fd);
  }
}

function outcomeOf(r: ExchangeResult, start: number): TraceRequest["outcome"] {
  return {
    ...(r.usage ? { input_tokens: r.usage.input_tokens, cached_tokens: r.usage.cache_read_input_tokens, output_tokens: r.usage.output_tokens } : {}),
    ...(r.firstContentAt !== undefined ? { ttft_ms: round(r.firstContentAt - start) } : {}),
    duration_ms: round(r.endedAt - start),
    ...(r.stopReason ? { stop_reason: r.stopReason } : {}),
    status: r.status,
    ...(r.error ? { error: r.error } : {}),
  };
}

const round = (ms: number) => Math.round(ms * 1000) / 1000;
