import type { Dispatcher } from "undici";
import { benchAgent } from "./http.ts";
import { SseSplitter } from "./sse.ts";
import type { Clock, RequestRecord } from "./types.ts";

export interface StreamOptions {
  gateWaitNs?: number;
  signal?: AbortSignal;
}

type OnData = (record: RequestRecord, data: string, event: string | undefined, now: number) => void;

/**
 * The timing skeleton both streaming clients share: start just before sending, every SSE payload handed to
 * `onData` with its arrival time, end at the last chunk of the stream (the usage chunk included, `[DONE]` and
 * pings not), as vllm bench serve ends E2EL; a non-200 answer or a stream without content is an error record,
 * never an exception. The response arrives through undici's dispatch handler, each network chunk straight into
 * the SSE splitter: no stream object, promise or async iterator per chunk (what a replay of hundreds of
 * concurrent sessions, each chunk in its own packet, otherwise spends most of its CPU on).
 */
export function streamRequest(
  url: string,
  headers: Record<string, string>,
  payload: string | Buffer,
  clock: Clock,
  opts: StreamOptions,
  onData: OnData,
): Promise<RequestRecord> {
  const record: RequestRecord = { ok: false, gateWaitNs: opts.gateWaitNs ?? 0, startNs: 0, endNs: 0, chunkNs: [] };
  const { origin, path } = splitUrl(url);
  return new Promise((resolve) => {
    const handler = new SseResponse(record, clock, onData, opts.signal, resolve);
    record.startNs = clock.now();
    if (opts.signal?.aborted) return handler.onResponseError(undefined, opts.signal.reason);
    benchAgent.dispatch({ origin, path, method: "POST", headers: { "content-type": "application/json", ...headers }, body: payload }, handler);
  });
}

/** A run sends every request to the same URL: it is parsed once, not per request. */
let lastUrl: { url: string; origin: string; path: string } | undefined;
function splitUrl(url: string): { origin: string; path: string } {
  if (lastUrl?.url !== url) {
    const u = new URL(url);
    lastUrl = { url, origin: u.origin, path: u.pathname + u.search };
  }
  return lastUrl;
}

/** Longest error body kept in a record. */
const ERROR_BODY_CHARS = 300;

class SseResponse implements Dispatcher.DispatchHandler {
  private controller?: Dispatcher.DispatchController;
  private status = 0;
  private errorBody = "";
  private lastChunkNs?: number;
  private done = false;
  private readonly decoder = new TextDecoder();
  private readonly splitter: SseSplitter;
  private readonly onAbort = () => this.abort(this.signal?.reason ?? new Error("aborted"));

  constructor(
    private readonly record: RequestRecord,
    private readonly clock: Clock,
    onData: OnData,
    private readonly signal: AbortSignal | undefined,
    private readonly resolve: (record: RequestRecord) => void,
  ) {
    this.splitter = new SseSplitter((data, event) => {
      const now = clock.now();
      if (data !== "[DONE]" && event !== "ping") this.lastChunkNs = now;
      onData(record, data, event, now);
    });
    signal?.addEventListener("abort", this.onAbort, { once: true });
  }

  /** Called as the request is written on its connection (again if a stale keep-alive socket forces a resend). */
  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    this.record.sentNs ??= this.clock.now();
    if (this.done) controller.abort(new Error("aborted"));
  }

  onResponseStart(_controller: Dispatcher.DispatchController, status: number): void {
    this.status = status;
  }

  onResponseData(_controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.done) return;
    const text = this.decoder.decode(chunk, { stream: true });
    if (this.status !== 200) {
      if (this.errorBody.length < ERROR_BODY_CHARS) this.errorBody += text;
      return;
    }
    try {
      this.splitter.push(text);
    } catch (err) {
      this.abort(err);
    }
  }

  onResponseEnd(): void {
    if (this.done) return;
    const record = this.record;
    if (this.status !== 200) {
      record.error = `HTTP ${this.status}: ${(this.errorBody + this.decoder.decode()).slice(0, ERROR_BODY_CHARS)}`;
      record.endNs = this.clock.now();
    } else {
      record.endNs = this.lastChunkNs ?? this.clock.now();
      record.ok = record.firstTokenNs !== undefined && record.error === undefined;
      if (record.firstTokenNs === undefined) record.error ??= "stream ended without content";
    }
    this.finish();
  }

  onResponseError(_controller: Dispatcher.DispatchController | undefined, err: unknown): void {
    this.fail(err);
  }

  /** Ends the record with `err` at once and stops the request (now, or as soon as it starts). */
  private abort(err: unknown): void {
    this.fail(err);
    this.controller?.abort(err instanceof Error ? err : new Error(String(err)));
  }

  private fail(err: unknown): void {
    if (this.done) return;
    this.record.endNs = this.clock.now();
    this.record.ok = false;
    this.record.error = err instanceof Error ? err.message : String(err);
    this.finish();
  }

  private finish(): void {
    this.done = true;
    this.signal?.removeEventListener("abort", this.onAbort);
    this.resolve(this.record);
  }
}
