import { describe, expect, it } from "vitest";
import { onMessagesData, type MessagesState } from "../src/client/anthropic-messages.ts";
import { stringAfter } from "../src/client/json-scan.ts";
import { onChatData } from "../src/client/openai-chat.ts";
import { SseParser } from "../src/client/sse.ts";
import { monotonicClock, type RequestRecord } from "../src/client/types.ts";
import { streamChat } from "../src/client/openai-chat.ts";
import { startScriptedUpstream, textChunks } from "./helpers/scripted-upstream.ts";

const fresh = (): RequestRecord => ({ ok: false, gateWaitNs: 0, startNs: 0, endNs: 0, chunkNs: [] });
const chat = (delta: object, extra: object = {}) => JSON.stringify({ id: "c", object: "chat.completion.chunk", choices: [{ index: 0, delta, finish_reason: null }], ...extra });

function feedChat(payloads: string[]) {
  const record = fresh();
  const state = { text: "", tools: [] as Array<{ name: string; arguments: string }> };
  payloads.forEach((p, i) => onChatData(p, (i + 1) * 10, record, state));
  return { record, state };
}

describe("JSON fast path", () => {
  it("decodes string values exactly like JSON.parse, escapes included", () => {
    for (const s of ["plain", "", "a \"quoted\" word", "back\\slash\\", "é \u00e9 \n tab\t", "ends with \\\""]) {
      const json = JSON.stringify({ delta: { content: s }, n: 1 });
      expect(stringAfter(json, '"content":"')).toBe(s);
    }
    expect(stringAfter('{"content":null}', '"content":"')).toBeUndefined();
  });
});

describe("OpenAI chat chunks", () => {
  it("content chunks are timed and concatenated; role-only and empty chunks are not content", () => {
    const { record, state } = feedChat([chat({ role: "assistant", content: "" }), chat({ content: "Hel" }), chat({ content: "lo \"x\"" }), "[DONE]"]);
    expect(record.chunkNs).toEqual([20, 30]);
    expect(record.firstTokenNs).toBe(20);
    expect(state.text).toBe('Hello "x"');
  });
  it("finish_reason beside content, spaced JSON, usage, timings, reasoning and tool calls all go through JSON.parse", () => {
    const spaced = '{"choices": [{"index": 0, "delta": {"content": "hi"}, "finish_reason": "length"}]}';
    const last = JSON.stringify({ choices: [{ index: 0, delta: { content: "!" }, finish_reason: "stop" }] });
    const usage = JSON.stringify({ choices: [], usage: { prompt_tokens: 7, completion_tokens: 3, prompt_tokens_details: { cached_tokens: 4 } }, timings: { prompt_ms: 12.5, cache_n: 4 } });
    const { record, state } = feedChat([chat({ reasoning_content: "think" }), spaced, chat({ tool_calls: [{ index: 0, function: { name: "Read", arguments: "{\"a\"" } }] }), last, usage]);
    expect(record.chunkNs).toEqual([10, 20, 30, 40]);
    expect(state.text).toBe("hi!");
    expect(record.finishReason).toBe("stop");
    expect(state.tools).toEqual([{ name: "Read", arguments: '{"a"' }]);
    expect([record.promptTokens, record.outputTokens, record.cachedTokens, record.serverPromptMs]).toEqual([7, 3, 4, 12.5]);
  });
  it("an error object in the stream is recorded", () => {
    const { record } = feedChat([JSON.stringify({ error: { message: "boom" } })]);
    expect(record.error).toBe("boom");
  });
});

describe("Anthropic Messages events", () => {
  it("times text, thinking and input_json deltas; usage sums input and cache reads; tool calls are assembled", () => {
    const record = fresh();
    const state: MessagesState = { text: "", tools: [], toolAt: new Map() };
    const events: Array<[string, object]> = [
      ["message_start", { type: "message_start", message: { usage: { input_tokens: 30, cache_read_input_tokens: 70, output_tokens: 0 } } }],
      ["ping", { type: "ping" }],
      ["content_block_start", { type: "content_block_start", index: 0, content_block: { type: "thinking", thinking: "" } }],
      ["content_block_delta", { type: "content_block_delta", index: 0, delta: { type: "thinking_delta", thinking: "hmm" } }],
      ["content_block_delta", { type: "content_block_delta", index: 0, delta: { type: "signature_delta", signature: "sig" } }],
      ["content_block_delta", { index: 1, delta: { text: "Hi \"you\"", type: "text_delta" }, type: "content_block_delta" }],
      ["content_block_start", { type: "content_block_start", index: 2, content_block: { type: "tool_use", id: "t1", name: "Read", input: {} } }],
      ["content_block_delta", { type: "content_block_delta", index: 2, delta: { type: "input_json_delta", partial_json: "{\"file_path\":" } }],
      ["content_block_delta", { type: "content_block_delta", index: 2, delta: { type: "input_json_delta", partial_json: "\"/a\"}" } }],
      ["message_delta", { type: "message_delta", delta: { stop_reason: "tool_use" }, usage: { output_tokens: 9 } }],
    ];
    events.forEach(([event, data], i) => onMessagesData(JSON.stringify(data), event, i, record, state));
    expect(record.chunkNs).toEqual([3, 5, 7, 8]);
    expect(state.text).toBe('Hi "you"');
    expect(state.tools).toEqual([{ name: "Read", arguments: '{"file_path":"/a"}' }]);
    expect([record.promptTokens, record.cachedTokens, record.outputTokens, record.finishReason]).toEqual([100, 70, 9, "tool_use"]);
  });
  it("an empty text_delta (or empty input_json_delta) is not a token, exactly as an empty `content` on the OpenAI path", () => {
    const anthropic = (payloads: Array<[string, object | string]>) => {
      const record = fresh();
      const state: MessagesState = { text: "", tools: [], toolAt: new Map() };
      payloads.forEach(([event, data], i) => onMessagesData(typeof data === "string" ? data : JSON.stringify(data), event, (i + 1) * 10, record, state));
      return record;
    };
    const delta = (d: object) => ["content_block_delta", { type: "content_block_delta", index: 0, delta: d }] as [string, object];
    const a = anthropic([
      ["content_block_delta", '{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":""}}'], // fast path
      delta({ type: "text_delta", text: "" }), // JSON.parse path (key order differs)
      delta({ type: "input_json_delta", partial_json: "" }),
      delta({ type: "text_delta", text: "Hi" }),
    ]);
    const o = feedChat([chat({ role: "assistant", content: "" }), chat({ content: "" }), chat({ content: "" }), chat({ content: "Hi" })]).record;
    expect(a.firstTokenNs).toBe(40);
    expect(a.chunkNs).toEqual([40]);
    expect([o.firstTokenNs, o.chunkNs]).toEqual([a.firstTokenNs, a.chunkNs]);
  });
  it("an error event is recorded", () => {
    const record = fresh();
    onMessagesData(JSON.stringify({ type: "error", error: { type: "overloaded_error", message: "busy" } }), "error", 1, record, { text: "", tools: [], toolAt: new Map() });
    expect(record.error).toBe("overloaded_error: busy");
  });
});

describe("SSE parser (one for the clients and the proxy)", () => {
  it("handles events split at any byte, CRLF, event names, comments and multi-line data", () => {
    const seen: Array<[string, string | undefined]> = [];
    const s = new SseParser((d, e) => seen.push([d, e]));
    const bytes = Buffer.from(": keep-alive\r\n\r\nevent: a\r\ndata: {\"x\":\"é\"}\r\n\r\ndata: two\ndata: lines\n\ndata:three");
    for (let i = 0; i < bytes.length; i++) s.push(bytes.subarray(i, i + 1));
    s.end();
    expect(seen).toEqual([['{"x":"é"}', "a"], ["two\nlines", undefined], ["three", undefined]]);
  });
});

describe("request timing like vllm bench serve", () => {
  it("E2EL ends at the last chunk of the stream (the usage chunk), not at the last content chunk", async () => {
    const upstream = await startScriptedUpstream({ script: () => ({ chunks: textChunks(["Hello", " world"]), chunkDelayMs: 60 }) });
    try {
      const r = await streamChat({ baseUrl: upstream.url }, { model: "m", messages: [] }, monotonicClock());
      expect(r.ok, r.error).toBe(true);
      expect(r.outputTokens).toBe(2);
      // role, "Hello", " world", finish, usage: the finish and usage chunks come 2 x 60 ms after the last content
      expect((r.endNs - r.chunkNs[r.chunkNs.length - 1]) / 1e6).toBeGreaterThanOrEqual(100);
    } finally {
      await upstream.close();
    }
  });
});
