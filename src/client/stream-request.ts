import type { Dispatcher } from "undici";
import { benchAgent, timeouts } from "./http.ts";
import { SseParser } from "./sse.ts";
import { simStamp } from "./sim-stamp.ts";
import { DEFAULT_REQUEST_TIMEOUT_S, type Clock, type RequestErrorKind, type RequestRecord } from "./types.ts";
import { SIM_ARRIVAL_HEADER, SIM_AT_HEADER, SIM_LANE_HEADER } from "../util/sim-clock-protocol.ts";

export interface StreamOptions {
  gateWaitNs?: number;
  signal?: AbortSignal;
  /** Longest wait for the engine's answer to start and for each next piece of it (ms); the agent's default when absent. */
  timeoutMs?: number;
  /** Simulator only: the arrival time to claim (simulator-clock ns) and the lane (see src/sim/engine/lanes.ts). */
  sim?: { atNs?: number; lane?: string };
}

function simHeaders(sim: StreamOptions["sim"]): Record<string, string> {
  if (!sim) return {};
  return {
    ...(sim.atNs !== undefined ? { [SIM_AT_HEADER]: String(Math.round(sim.atNs)) } : {}),
    ...(sim.lane !== undefined ? { [SIM_LANE_HEADER]: sim.lane } : {}),
  };
}

type OnData = (record: RequestRecord, data: string, event: string | undefined, now: number) => void;

/**
 * The timing skeleton both streaming clients share: start just before sending, every SSE payload handed to
 * `onData` with its arrival time, end at the last chunk of the stream (the usage chunk included, `[DONE]` and
 * pings not), as vllm bench serve ends E2EL; a non-200 answer, a timeout, a dropped connection or a stream
 * without content is an error record (with its kind), never an exception. The response arrives through undici's
 * dispatch handler, each network chunk straight into the SSE parser: no stream object, promise or async iterator
 * per chunk (what a replay of hundreds of concurrent sessions, each chunk in its own packet, otherwise spends
 * most of its CPU on). When the server is the lab's simulator (its answer names the arrival time), every time is
 * the simulator's own stamp instead of the wall clock: see src/util/sim-clock-protocol.ts.
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
    const handler = new SseResponse(record, clock, onData, opts, resolve);
    record.startNs = opts.sim?.atNs ?? clock.now();
    if (opts.sim?.atNs !== undefined) record.simClock = true;
    if (opts.signal?.aborted) return handler.onResponseError(undefined, opts.signal.reason);
    benchAgent.dispatch({
      origin, path, method: "POST", headers: { "content-type": "application/json", ...headers, ...simHeaders(opts.sim) }, body: payload, ...timeouts(opts.timeoutMs),
    }, handler);
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
  /** The simulator's stamp of the latest payload (simulator-clock runs only). */
  private simLast?: number;
  private done = false;
  private readonly decoder = new TextDecoder();
  private readonly parser: SseParser;
  private readonly onAbort = () => this.abort(this.opts.signal?.reason ?? new Error("aborted"));

  constructor(
    private readonly record: RequestRecord,
    private readonly clock: Clock,
    onData: OnData,
    private readonly opts: StreamOptions,
    private readonly resolve: (record: RequestRecord) => void,
  ) {
    this.parser = new SseParser((data, event) => {
      if (record.simClock) this.simLast = simStamp(data) ?? this.simLast;
      const now = this.now();
      if (data !== "[DONE]" && event !== "ping") this.lastChunkNs = now;
      onData(record, data, event, now);
    });
    opts.signal?.addEventListener("abort", this.onAbort, { once: true });
  }

  /** Called as the request is written on its connection (again if a stale keep-alive socket forces a resend). */
  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    this.record.sentNs ??= this.clock.now();
    if (this.done) controller.abort(new Error("aborted"));
  }

  onResponseStart(_controller: Dispatcher.DispatchController, status: number, headers: Record<string, string | string[] | undefined>): void {
    this.status = status;
    const arrival = Number(headers[SIM_ARRIVAL_HEADER]);
    if (headers[SIM_ARRIVAL_HEADER] !== undefined && Number.isFinite(arrival)) {
      this.record.simClock = true;
      this.record.startNs = arrival;
    }
  }

  /** Now on the request's clock: the wall clock, or the simulator's latest stamp. */
  private now(): number {
    return this.record.simClock ? this.simLast ?? this.record.startNs : this.clock.now();
  }

  onResponseData(_controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.done) return;
    if (this.status !== 200) {
      if (this.errorBody.length < ERROR_BODY_CHARS) this.errorBody += this.decoder.decode(chunk, { stream: true });
      return;
    }
    try {
      this.parser.push(chunk);
    } catch (err) {
      this.abort(err);
    }
  }

  onResponseEnd(): void {
    if (this.done) return;
    const record = this.record;
    if (this.status !== 200) {
      record.error = `HTTP ${this.status}: ${(this.errorBody + this.decoder.decode()).slice(0, ERROR_BODY_CHARS)}`;
      record.errorKind = "http";
      record.httpStatus = this.status;
      record.endNs = this.now();
      return this.finish();
    }
    try {
      this.parser.end();
    } catch (err) {
      return this.fail(err);
    }
    record.endNs = this.lastChunkNs ?? this.now();
    if (record.simClock) record.streamEndNs = this.simLast ?? record.endNs;
    record.ok = record.firstTokenNs !== undefined && record.error === undefined;
    if (record.error !== undefined) record.errorKind = "stream_error";
    else if (record.firstTokenNs === undefined) {
      record.error = "stream ended without content";
      record.errorKind = "no_content";
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
    const record = this.record;
    record.endNs = this.now();
    record.ok = false;
    record.errorKind = errorKind(err, this.status !== 0, this.opts);
    record.error = record.errorKind === "timeout"
      ? `timeout: the engine sent nothing for ${(this.opts.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_S * 1000) / 1000} s (request_timeout_s)`
      : describe(err);
    this.finish();
  }

  private finish(): void {
    this.done = true;
    this.opts.signal?.removeEventListener("abort", this.onAbort);
    this.resolve(this.record);
  }
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
  const cause = e?.cause?.message && e.cause.message !== e.message ? ` (${e.cause.message})` : "";
  return `${e?.message ?? String(err)}${cause}`;
}
