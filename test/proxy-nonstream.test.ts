import { afterEach, describe, expect, it } from "vitest";
import { basicParams, startHarness, type Harness } from "./helpers/proxy-harness.ts";
import { completion } from "./helpers/scripted-upstream.ts";

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const thinkingParams = { ...basicParams, max_tokens: 2048, thinking: { type: "enabled" as const, budget_tokens: 1024 } };

describe("proxy non-streaming", () => {
  it("answers with the same message shape as the stream: thinking, text, tool_use, stop reason and usage", async () => {
    h = await startHarness({
      script: () => ({
        completion: completion(
          {
            content: "\n\nLet me check.",
            reasoning: "Need the file list.",
            tool_calls: [
              { id: "call_a", type: "function", function: { name: "Bash", arguments: '{"command": "ls"}' } },
              { id: "call_b", type: "function", function: { name: "Read", arguments: "" } },
            ],
          },
          "stop",
          { prompt_tokens: 120, completion_tokens: 30, prompt_tokens_details: { cached_tokens: 100 } },
        ),
      }),
    });
    const message = await h.client.messages.create(thinkingParams);
    expect(message).toMatchObject({
      type: "message",
      role: "assistant",
      model: basicParams.model,
      stop_reason: "tool_use",
      stop_sequence: null,
      usage: { input_tokens: 20, cache_read_input_tokens: 100, output_tokens: 30 },
    });
    expect(message.id).toMatch(/^msg_/);
    expect(message.content).toEqual([
      { type: "thinking", thinking: "Need the file list.", signature: expect.any(String) },
      { type: "text", text: "Let me check." },
      { type: "tool_use", id: "call_a", name: "Bash", input: { command: "ls" } },
      { type: "tool_use", id: "call_b", name: "Read", input: {} },
    ]);
    expect(h.chats()[0].body).toMatchObject({ stream: false });
    expect(h.chats()[0].body).not.toHaveProperty("stream_options");
  });

  it("strips inline <think> text when thinking is not requested", async () => {
    h = await startHarness({ script: () => ({ completion: completion({ content: "<think>private</think>\nAnswer" }) }) });
    const message = await h.client.messages.create(basicParams);
    expect(message.content).toEqual([{ type: "text", text: "Answer" }]);
  });

  it("maps length and vLLM's matched stop string", async () => {
    h = await startHarness({ script: () => ({ completion: completion({ content: "partial" }, "length") }) });
    expect((await h.client.messages.create(basicParams)).stop_reason).toBe("max_tokens");
    h.upstream.setScript(() => ({ completion: completion({ content: "x" }, "stop", undefined, { stop_reason: "###" }) }));
    expect(await h.client.messages.create({ ...basicParams, stop_sequences: ["###"] })).toMatchObject({ stop_reason: "stop_sequence", stop_sequence: "###" });
  });

  it("reports tool arguments that are not JSON as an API error instead of crashing", async () => {
    h = await startHarness({
      script: () => ({ completion: completion({ content: null, tool_calls: [{ id: "c", type: "function", function: { name: "Bash", arguments: '{"command": "ls' } }] }) }),
    });
    await expect(h.client.messages.create(basicParams)).rejects.toMatchObject({ status: 502, error: { error: { type: "api_error", message: expect.stringContaining("Bash") } } });
    h.upstream.setScript(() => ({ completion: completion({ content: "still alive" }) }));
    expect((await h.client.messages.create(basicParams)).content).toEqual([{ type: "text", text: "still alive" }]);
  });

  it("aborts the engine request when the client gives up waiting", async () => {
    h = await startHarness({ script: () => ({ headersDelayMs: 400, completion: completion({ content: "late" }) }) });
    const controller = new AbortController();
    const pending = h.client.messages.create(basicParams, { signal: controller.signal });
    await expect.poll(() => h!.chats().length).toBe(1);
    controller.abort();
    await expect(pending).rejects.toThrow();
    await expect.poll(() => h!.upstream.aborted, { timeout: 2000 }).toBe(1);
  });
});
