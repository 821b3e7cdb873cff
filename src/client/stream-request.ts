import { request } from "undici";
import { benchAgent } from "./http.ts";
import { SseSplitter } from "./sse.ts";
import type { Clock, RequestRecord } from "./types.ts";

export interface StreamOptions {
  gateWaitNs?: number;
  signal?: AbortSignal;
}

/**
 * The timing skeleton both streaming clients share: start just before sending, every SSE payload handed to
 * `onData` with its arrival time, end at the last chunk of the stream (the usage chunk included, `[DONE]` and
 * pings not), as vllm bench serve ends E2EL; a non-200 answer or a stream without content is an error record,
 * never an exception.
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
  record.startNs = clock.now();
  try {
    const res = await request(url, {
      method: "POST",
      dispatcher: benchAgent,
      headers: { "content-type": "application/json", ...headers },
      body: payload,
      signal: opts.signal,
    });
    if (res.statusCode !== 200) {
      record.error = `HTTP ${res.statusCode}: ${(await res.body.text()).slice(0, 300)}`;
      record.endNs = clock.now();
      return record;
    }
    let lastChunkNs: number | undefined;
    const splitter = new SseSplitter((data, event) => {
      const now = clock.now();
      if (data !== "[DONE]" && event !== "ping") lastChunkNs = now;
      onData(record, data, event, now);
    });
    const decoder = new TextDecoder();
    for await (const part of res.body) splitter.push(decoder.decode(part as Uint8Array, { stream: true }));
    record.endNs = lastChunkNs ?? clock.now();
    record.ok = record.firstTokenNs !== undefined && record.error === undefined;
    if (record.firstTokenNs === undefined) record.error ??= "stream ended without content";
  } catch (err) {
    record.endNs = clock.now();
    record.error = (err as Error).message;
  }
  return record;
}
