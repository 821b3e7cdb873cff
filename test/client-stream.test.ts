import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { streamChatPayload } from "../src/client/openai-chat.ts";
import { monotonicClock } from "../src/client/types.ts";
import { chunk, startScriptedUpstream, textChunks, type ScriptedUpstream } from "./helpers/scripted-upstream.ts";

let upstream: ScriptedUpstream;
beforeAll(async () => {
  upstream = await startScriptedUpstream();
});
afterAll(() => upstream.close());

const clock = monotonicClock();
const payload = (text: string) => Buffer.from(JSON.stringify({ model: "m", stream: true, messages: [{ role: "user", content: text }] }));

describe("the streaming client over undici's dispatch handler", () => {
  it("sends the payload bytes as they are and marks the moment they were written, between start and first token", async () => {
    upstream.setScript(() => ({ chunks: textChunks(["Hé", "llo ", "\"wörld\""]), chunkDelayMs: 5 }));
    const bytes = payload("é \u2028 \"quoted\" " + "x".repeat(200_000));
    const r = await streamChatPayload({ baseUrl: upstream.url }, bytes, clock);
    expect(r.ok, r.error).toBe(true);
    expect(Buffer.from(upstream.requests.at(-1)!.text)).toEqual(bytes);
    expect(r.text).toBe("Héllo \"wörld\"");
    expect(r.outputTokens).toBe(3);
    expect(r.sentNs).toBeGreaterThanOrEqual(r.startNs);
    expect(r.sentNs).toBeLessThan(r.firstTokenNs!);
    expect(r.endNs).toBeGreaterThanOrEqual(r.chunkNs.at(-1)!);
  });

  it("a multi-byte character split across network chunks decodes whole", async () => {
    const frame = Buffer.from(`data: ${JSON.stringify(chunk({ content: "日本" }))}\n\n`);
    const cut = frame.indexOf(Buffer.from("本")) + 1;
    upstream.setScript(() => ({ raw: [frame.subarray(0, cut), frame.subarray(cut), "data: [DONE]\n\n"], chunkDelayMs: 20 }));
    const r = await streamChatPayload({ baseUrl: upstream.url }, payload("x"), clock);
    expect(r.ok, r.error).toBe(true);
    expect(r.text).toBe("日本");
  });

  it("a non-200 answer is an error record with the status and the start of the body", async () => {
    upstream.setScript(() => ({ status: 400, errorBody: { error: { message: "x".repeat(1000) } } }));
    const r = await streamChatPayload({ baseUrl: upstream.url }, payload("x"), clock);
    expect(r.ok).toBe(false);
    expect(r.error).toMatch(/^HTTP 400: \{"error":\{"message":"x+$/);
    expect(r.error!.length).toBe("HTTP 400: ".length + 300);
  });

  it("a chunk that is not JSON, or an engine that hangs up mid-stream, ends the record with an error, never throws", async () => {
    upstream.setScript(() => ({ raw: [`data: ${JSON.stringify(chunk({ content: "a" }))}\n\n`, "data: {not json\n\n", "data: [DONE]\n\n"] }));
    const bad = await streamChatPayload({ baseUrl: upstream.url }, payload("x"), clock);
    expect(bad.ok).toBe(false);
    expect(bad.error).toMatch(/JSON/);
    upstream.setScript(() => ({ chunks: textChunks(["a", "b", "c"]), chunkDelayMs: 10, hangUpAfter: 2 }));
    const cut = await streamChatPayload({ baseUrl: upstream.url }, payload("x"), clock);
    expect(cut.ok).toBe(false);
    expect(cut.error).toBeTruthy();
  });

  it("an abort ends the record at once, mid-stream or before the request went out", async () => {
    upstream.setScript(() => ({ chunks: textChunks(["a", "b", "c", "d"]), chunkDelayMs: 100 }));
    const abort = new AbortController();
    setTimeout(() => abort.abort(), 150);
    const t0 = clock.now();
    const mid = await streamChatPayload({ baseUrl: upstream.url }, payload("x"), clock, { signal: abort.signal });
    expect((clock.now() - t0) / 1e6).toBeLessThan(400);
    expect(mid.ok).toBe(false);
    expect(mid.error).toMatch(/abort/i);
    const before = upstream.requests.length;
    const early = await streamChatPayload({ baseUrl: upstream.url }, payload("x"), clock, { signal: abort.signal });
    expect(early.ok).toBe(false);
    expect(early.error).toMatch(/abort/i);
    expect(early.sentNs).toBeUndefined();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(upstream.requests.length).toBe(before);
  });
});
