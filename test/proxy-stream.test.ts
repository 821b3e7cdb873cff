import { afterEach, describe, expect, it } from "vitest";
import { basicParams, post, sdkStream, startHarness, type Harness } from "./helpers/proxy-harness.ts";
import { checkStreamGrammar, readSse } from "./helpers/proxy-stream-check.ts";
import { chunk, textChunks, usageChunk } from "./helpers/scripted-upstream.ts";

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const thinkingParams = { ...basicParams, max_tokens: 2048, thinking: { type: "enabled" as const, budget_tokens: 1024 } };

describe("proxy streaming", () => {
  it("streams text as a valid event sequence and echoes the requested model", async () => {
    h = await startHarness({ script: () => ({ chunks: textChunks(["Hello", ",", " world"]) }) });
    const { events, message } = await sdkStream(h.client, basicParams);
    checkStreamGrammar(events);
    expect(message.model).toBe("claude-sonnet-5-5");
    expect(message.content).toEqual([{ type: "text", text: "Hello, world" }]);
    expect(message.stop_reason).toBe("end_turn");
    expect(h.chats()[0].body).toMatchObject({ model: "served-model", stream: true, stream_options: { include_usage: true } });
  });

  it("keeps an answer that is only whitespace (dropping it would leave an empty message)", async () => {
    h = await startHarness({ script: () => ({ chunks: textChunks(["\n", "\n\n"]) }) });
    const { events, message } = await sdkStream(h.client, basicParams);
    checkStreamGrammar(events);
    expect(message.content).toEqual([{ type: "text", text: "\n\n\n" }]);
  });

  it("reads reasoning from both `reasoning` (vLLM) and `reasoning_content` (llama-server) into thinking blocks", async () => {
    for (const field of ["reasoning", "reasoning_content"]) {
      h = await startHarness({
        script: () => ({
          chunks: [chunk({ role: "assistant", content: "" }), chunk({ [field]: "\nLet me " }), chunk({ [field]: "think." }), chunk({ content: "\n\nDone." }), chunk({}, "stop"), usageChunk(5, 4)],
        }),
      });
      const { events, message } = await sdkStream(h.client, thinkingParams);
      checkStreamGrammar(events);
      expect(message.content).toEqual([
        { type: "thinking", thinking: "Let me think.", signature: expect.any(String) },
        { type: "text", text: "Done." },
      ]);
      expect(h.chats()[0].body?.chat_template_kwargs).toEqual({ enable_thinking: true });
      await h.close();
      h = undefined;
    }
  });

  it("splits inline <think> tags even when a tag is cut across chunks", async () => {
    const pieces = ["<thi", "nk>plan", "ning</th", "ink>\n\nAns", "wer with <think> inside"];
    h = await startHarness({ script: () => ({ chunks: textChunks(pieces) }) });
    const { events, message } = await sdkStream(h.client, thinkingParams);
    checkStreamGrammar(events);
    expect(message.content).toEqual([
      { type: "thinking", thinking: "planning", signature: expect.any(String) },
      { type: "text", text: "Answer with <think> inside" },
    ]);
  });

  it("hides reasoning and asks the engine not to think when the request has no thinking", async () => {
    h = await startHarness({ script: () => ({ chunks: [chunk({ reasoning: "secret plan" }), ...textChunks(["<think>more</think>", "Visible"])] }) });
    const { events, message } = await sdkStream(h.client, basicParams);
    checkStreamGrammar(events);
    expect(message.content).toEqual([{ type: "text", text: "Visible" }]);
    expect(h.chats()[0].body?.chat_template_kwargs).toEqual({ enable_thinking: false });
  });

  it("with thinking off, disables reasoning even when the request enables it", async () => {
    h = await startHarness({ script: () => ({ chunks: [chunk({ reasoning_content: "hidden" }), ...textChunks(["Shown"])] }) }, { thinking: "off" });
    const { message } = await sdkStream(h.client, thinkingParams);
    expect(message.content).toEqual([{ type: "text", text: "Shown" }]);
    expect(h.chats()[0].body?.chat_template_kwargs).toEqual({ enable_thinking: false });
  });

  it("with thinking on, asks for reasoning and shows it even when the request did not ask", async () => {
    h = await startHarness({ script: () => ({ chunks: [chunk({ reasoning: "pondering" }), ...textChunks(["Shown"])] }) }, { thinking: "on" });
    const { message } = await sdkStream(h.client, basicParams);
    expect(message.content).toEqual([
      { type: "thinking", thinking: "pondering", signature: expect.any(String) },
      { type: "text", text: "Shown" },
    ]);
    expect(h.chats()[0].body?.chat_template_kwargs).toEqual({ enable_thinking: true });
  });

  it("streams a tool call: id and name at block start, argument fragments as input_json_delta, stop_reason tool_use", async () => {
    const call = (args: string, head?: object) => chunk({ tool_calls: [{ index: 0, ...head, function: { ...(head ? { name: "Bash" } : {}), arguments: args } }] });
    h = await startHarness({
      script: () => ({
        chunks: [
          chunk({ role: "assistant", content: "" }),
          chunk({ content: "Running it." }),
          call("", { id: "call_1", type: "function" }),
          call('{"comm'),
          call('and": "ls'),
          call(' -la"}'),
          chunk({}, "stop"),
          usageChunk(20, 9),
        ],
      }),
    });
    const { events, message } = await sdkStream(h.client, basicParams);
    checkStreamGrammar(events);
    const jsonDeltas = events.filter((e) => e.delta?.type === "input_json_delta").map((e) => e.delta!.partial_json);
    expect(jsonDeltas).toEqual(['{"comm', 'and": "ls', ' -la"}']);
    expect(events.find((e) => e.content_block?.type === "tool_use")?.content_block).toEqual({ type: "tool_use", id: "call_1", name: "Bash", input: {} });
    expect(message.content).toEqual([
      { type: "text", text: "Running it." },
      { type: "tool_use", id: "call_1", name: "Bash", input: { command: "ls -la" } },
    ]);
    expect(message.stop_reason).toBe("tool_use");
  });

  it("streams parallel tool calls, sequential or interleaved, as one block per call index", async () => {
    const part = (index: number, args: string, name?: string) =>
      chunk({ tool_calls: [{ index, ...(name ? { id: `call_${index}`, type: "function" } : {}), function: { ...(name ? { name } : {}), arguments: args } }] });
    const orders = {
      sequential: [part(0, '{"path":', "Read"), part(0, '"a.ts"}'), part(1, '{"path":', "Read"), part(1, '"b.ts"}'), part(2, "", "Glob"), part(2, '{"pattern":"*"}')],
      interleaved: [part(0, '{"path":', "Read"), part(1, '{"path":', "Read"), part(0, '"a.ts"}'), part(2, '{"pattern":"*"}', "Glob"), part(1, '"b.ts"}')],
    };
    for (const chunks of Object.values(orders)) {
      h = await startHarness({ script: () => ({ chunks: [chunk({ role: "assistant", content: "" }), ...chunks, chunk({}, "tool_calls"), usageChunk(30, 20)] }) });
      const { events, message } = await sdkStream(h.client, basicParams);
      checkStreamGrammar(events);
      expect(message.content).toEqual([
        { type: "tool_use", id: "call_0", name: "Read", input: { path: "a.ts" } },
        { type: "tool_use", id: "call_1", name: "Read", input: { path: "b.ts" } },
        { type: "tool_use", id: "call_2", name: "Glob", input: { pattern: "*" } },
      ]);
      expect(message.stop_reason).toBe("tool_use");
      await h.close();
      h = undefined;
    }
  });

  it("ends a stream whose tool arguments are not JSON with `event: error`, not a crash", async () => {
    const bad = chunk({ tool_calls: [{ index: 0, id: "call_x", type: "function", function: { name: "Bash", arguments: '{"command": "ls' } }] });
    h = await startHarness({ script: () => ({ chunks: [bad, chunk({}, "tool_calls"), usageChunk(5, 5)] }) });
    const frames = await readSse(await post(h.url, "/v1/messages", { ...basicParams, stream: true }));
    expect(frames.at(-1)).toMatchObject({ event: "error", data: { error: { type: "api_error", message: expect.stringContaining("invalid JSON arguments for tool Bash") } } });
    h.upstream.setScript(() => ({ chunks: textChunks(["fine"]) }));
    expect((await sdkStream(h.client, basicParams)).message.content).toEqual([{ type: "text", text: "fine" }]);
  });

  it("maps finish reasons: length -> max_tokens, a vLLM-matched stop string -> stop_sequence", async () => {
    h = await startHarness({ script: () => ({ chunks: textChunks(["cut"], "length") }) });
    expect((await sdkStream(h.client, basicParams)).message.stop_reason).toBe("max_tokens");
    h.upstream.setScript(() => ({ chunks: [...textChunks(["a"]).slice(0, 2), chunk({}, "stop", { stop_reason: "END" }), usageChunk(3, 1)] }));
    const { message } = await sdkStream(h.client, { ...basicParams, stop_sequences: ["END"] });
    expect(message).toMatchObject({ stop_reason: "stop_sequence", stop_sequence: "END" });
    expect(h.chats()[1].body?.stop).toEqual(["END"]);
  });

  it("reports usage with cached prompt tokens as cache reads", async () => {
    h = await startHarness({ script: () => ({ chunks: [...textChunks(["x"]).slice(0, 3), usageChunk(100, 7, 60)] }) });
    const { message } = await sdkStream(h.client, basicParams);
    expect(message.usage).toMatchObject({ input_tokens: 40, cache_read_input_tokens: 60, output_tokens: 7 });
  });

  it("keeps every concurrent stream's state apart", async () => {
    h = await startHarness({
      script: (req) => {
        const text = String((req.body?.messages as { content: string }[]).at(-1)?.content);
        return { chunks: textChunks([...text].map((c) => c)), chunkDelayMs: 1 };
      },
    });
    const texts = Array.from({ length: 40 }, (_, i) => `stream-${i}-${"abc".repeat(i % 5)}`);
    const results = await Promise.all(texts.map((t) => sdkStream(h!.client, { ...basicParams, messages: [{ role: "user", content: t }] })));
    results.forEach(({ events, message }, i) => {
      checkStreamGrammar(events);
      expect(message.content).toEqual([{ type: "text", text: texts[i] }]);
    });
  });

  it("sends message_start at once and pings while the engine is silent", async () => {
    // Generous margins: timers run late on a loaded machine; the point is the cadence, not its precision.
    h = await startHarness({ script: () => ({ headersDelayMs: 800, chunks: textChunks(["late"]) }) }, { pingIntervalMs: 100, streamCommitMs: 10 });
    const started = performance.now();
    const frames = await readSse(await post(h.url, "/v1/messages", { ...basicParams, stream: true }));
    expect(frames[0].event).toBe("message_start");
    expect(frames[0].at - started).toBeLessThan(500);
    const firstContent = frames.findIndex((f) => f.event === "content_block_start");
    const pings = frames.slice(0, firstContent).filter((f) => f.event === "ping");
    expect(pings.length).toBeGreaterThanOrEqual(3);
    const times = frames.slice(0, firstContent + 1).map((f) => f.at);
    const longestSilence = Math.max(...times.slice(1).map((t, i) => t - times[i]));
    expect(longestSilence).toBeLessThan(100 + 150);
  });

  it("turns a failure after streaming began into `event: error`", async () => {
    h = await startHarness({ script: () => ({ chunks: textChunks(["a", "b", "c"]), hangUpAfter: 2, chunkDelayMs: 5 }) });
    await expect(sdkStream(h.client, basicParams)).rejects.toMatchObject({ error: { type: "error", error: { type: "api_error" } } });
    h.upstream.setScript(() => ({ chunks: [chunk({ content: "a" }), { error: { message: "engine blew up", code: 500 } }] }));
    const frames = await readSse(await post(h.url, "/v1/messages", { ...basicParams, stream: true }));
    expect(frames.at(-1)).toMatchObject({ event: "error", data: { type: "error", error: { type: "api_error", message: expect.stringContaining("engine blew up") } } });
  });

  it("aborts the engine request when the client disconnects", async () => {
    h = await startHarness({ script: () => ({ chunks: textChunks(Array.from({ length: 200 }, () => "x")), chunkDelayMs: 10 }) });
    const controller = new AbortController();
    const stream = h.client.messages.stream(basicParams, { signal: controller.signal });
    await new Promise<void>((resolve) => stream.on("text", () => resolve()));
    controller.abort();
    await stream.done().catch(() => undefined);
    await expect.poll(() => h!.upstream.aborted, { timeout: 2000 }).toBe(1);
  });

  it("parses engine SSE framing cut at any byte, with CRLF line ends and comments", async () => {
    const body = [": keep-alive\r\n\r\n", ...textChunks(["Hé", "llo ✓"]).map((c) => `data: ${JSON.stringify(c)}\r\n\r\n`), "data: [DONE]\r\n\r\n"].join("");
    const bytes = Buffer.from(body);
    const raw: Buffer[] = [];
    for (let i = 0; i < bytes.length; i += 7) raw.push(bytes.subarray(i, i + 7));
    h = await startHarness({ script: () => ({ raw, chunkDelayMs: 1 }) });
    const { message } = await sdkStream(h.client, basicParams);
    expect(message.content).toEqual([{ type: "text", text: "Héllo ✓" }]);
  });

  it("accepts ?beta=true as Claude Code sends it", async () => {
    h = await startHarness();
    const stream = h.client.beta.messages.stream({ ...basicParams, betas: ["claude-code-20250219"] });
    const message = await stream.finalMessage();
    expect(message.content).toEqual([{ type: "text", text: "Hello world" }]);
  });
});
