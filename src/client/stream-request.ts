import { request } from "undici";
import { benchAgent, timeouts } from "./http.ts";
import { SseParser } from "./sse.ts";
import type { Clock, RequestErrorKind, RequestRecord } from "./types.ts";

export interface StreamOptions {
  gateWaitNs?: number;
  signal?: AbortSignal;
  /** Longest wait for the engine's answer to start and for each next piece of it (ms); the agent's default when absent. */
  timeoutMs?: number;
}

/**
 * The timing skeleton both streaming clients share: start just before sending, every SSE payload handed to
 * `onData` with its arrival time, end at the last chunk of the stream (the usage chunk included, `[DONE]` and
 * pings not), as vllm bench serve ends E2EL; a non-200 answer, a timeout, a dropped connection or a stream
 * without content is an error record (with its kind), never an exception.
 */
export async function streamRequest(
  url: string,
  headers: Record<string, string>,
  payload: string | Buffer,
  clock: Clock,
  opts: StreamOptions,
  onData: (record: RequestRecord, data: string, event: string | undefined, now: number) => void,
): Promise<RequestRecord> {
  const record: RequestRecord = { ok: false, gateWaitNs: opts.gateWaitNs ?? 0, startNs: 0, endNs: 0, chunkNs: [] };
  let answered = false;
  record.startNs = clock.now();
  try {
    const res = await request(url, {
      method: "POST",
      dispatcher: benchAgent,
      headers: { "content-type": "application/json", ...headers },
      body: payload,
      signal: opts.signal,
      ...timeouts(opts.timeoutMs),
    });
    answered = true;
    if (res.statusCode !== 200) {
      record.error = `HTTP ${res.statusCode}: ${(await res.body.text()).slice(0, 300)}`;
      record.errorKind = "http";
      record.httpStatus = res.statusCode;
      record.endNs = clock.now();
      return record;
    }
    let lastChunkNs: number | undefined;
    const parser = new SseParser((data, event) => {
      const now = clock.now();
      if (data !== "[DONE]" && event !== "ping") lastChunkNs = now;
      onData(record, data, event, now);
    });
    for await (const part of res.body) parser.push(part as Buffer);
    parser.end();
    record.endNs = lastChunkNs ?? clock.now();
    record.ok = record.firstTokenNs !== undefined && record.error === undefined;
    if (record.error !== undefined) record.errorKind = "stream_error";
    else if (record.firstTokenNs === undefined) {
      record.error = "stream ended without content";
      record.errorKind = "no_content";
    }
  } catch (err) {
    record.endNs = clock.now();
    record.ok = false;
    record.errorKind = errorKind(err, answered, opts);
    record.error = record.errorKind === "timeout" ? `timeout: the engine sent nothing for ${(opts.timeoutMs ?? 0) / 1000} s (request_timeout_s)` : describe(err);
  }
  return record;
}

function errorKind(err: unknown, answered: boolean, opts: StreamOptions): RequestErrorKind {
  const code = (err as { code?: string })?.code ?? (err as { cause?: { code?: string } })?.cause?.code;
  if (code === "UND_ERR_HEADERS_TIMEOUT" || code === "UND_ERR_BODY_TIMEOUT") return "timeout";
  if (opts.signal?.aborted || (err as Error)?.name === "AbortError") return "aborted";
  return answered ? "stream_broken" : "connect";
}

/** undici's "terminated" hides the socket's reason in `cause`. */
function describe(err: unknown): string {
  const e = err as Error & { cause?: Error & { code?: string } };
  const cause = e.cause?.message && e.cause.message !== e.message ? ` (${e.cause.message})` : "";
  return `${e.message ?? String(err)}${cause}`;
}
