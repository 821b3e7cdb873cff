import { request } from "undici";
import { benchAgent, timeouts } from "./http.ts";
import { SseParser } from "./sse.ts";
import { simStamp } from "./sim-stamp.ts";
import type { Clock, RequestErrorKind, RequestRecord } from "./types.ts";
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

/**
 * The timing skeleton both streaming clients share: start just before sending, every SSE payload handed to
 * `onData` with its arrival time, end at the last chunk of the stream (the usage chunk included, `[DONE]` and
 * pings not), as vllm bench serve ends E2EL; a non-200 answer, a timeout, a dropped connection or a stream
 * without content is an error record (with its kind), never an exception. When the server is the lab's
 * simulator (its answer names the arrival time), every time is the simulator's own stamp instead of the wall
 * clock: see src/util/sim-clock-protocol.ts.
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
  record.startNs = opts.sim?.atNs ?? clock.now();
  if (opts.sim?.atNs !== undefined) record.simClock = true;
  let last: number | undefined;
  const now = () => (record.simClock ? last ?? record.startNs : clock.now());
  try {
    const res = await request(url, {
      method: "POST",
      dispatcher: benchAgent,
      headers: { "content-type": "application/json", ...headers, ...simHeaders(opts.sim) },
      body: payload,
      signal: opts.signal,
      ...timeouts(opts.timeoutMs),
    });
    answered = true;
    const arrival = Number(res.headers[SIM_ARRIVAL_HEADER]);
    if (res.headers[SIM_ARRIVAL_HEADER] !== undefined && Number.isFinite(arrival)) {
      record.simClock = true;
      record.startNs = arrival;
    }
    if (res.statusCode !== 200) {
      record.error = `HTTP ${res.statusCode}: ${(await res.body.text()).slice(0, 300)}`;
      record.errorKind = "http";
      record.httpStatus = res.statusCode;
      record.endNs = now();
      return record;
    }
    let lastChunkNs: number | undefined;
    const parser = new SseParser((data, event) => {
      if (record.simClock) last = simStamp(data) ?? last;
      const at = now();
      if (data !== "[DONE]" && event !== "ping") lastChunkNs = at;
      onData(record, data, event, at);
    });
    for await (const part of res.body) parser.push(part as Buffer);
    parser.end();
    record.endNs = lastChunkNs ?? now();
    if (record.simClock) record.streamEndNs = last ?? record.endNs;
    record.ok = record.firstTokenNs !== undefined && record.error === undefined;
    if (record.error !== undefined) record.errorKind = "stream_error";
    else if (record.firstTokenNs === undefined) {
      record.error = "stream ended without content";
      record.errorKind = "no_content";
    }
  } catch (err) {
    record.endNs = now();
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
