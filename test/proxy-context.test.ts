import { afterEach, describe, expect, it } from "vitest";
import { startProxy } from "../src/proxy/index.ts";
import { basicParams, post, sdkStream, startHarness, type Harness } from "./helpers/proxy-harness.ts";
import { fakeTokenCount, startScriptedUpstream, type RecordedRequest } from "./helpers/scripted-upstream.ts";

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** A Claude Code-sized turn: big tools and system, 32000 output tokens asked. */
const bigTurn = {
  ...basicParams,
  max_tokens: 32000,
  system: [{ type: "text" as const, text: "You are Claude Code. ".repeat(1500) }],
  tools: [{ name: "Bash", description: "Runs a shell command. ".repeat(400), input_schema: { type: "object" as const, properties: { command: { type: "string" } } } }],
};

const paths = (h: Harness) => h.upstream.requests.map((r) => r.path);
/** The body of the last request to `path` (probes for other engines' endpoints may come first). */
const countedBody = (h: Harness, path: string): RecordedRequest["body"] => h.upstream.requests.findLast((r) => r.path === path)!.body;

describe("proxy context window and token counting", () => {
  it("leaves max_tokens alone, without counting, when even a generous prompt bound fits (vLLM window from /v1/models)", async () => {
    h = await startHarness({ kind: "vllm", context: 32768 });
    await h.client.messages.create({ ...basicParams, max_tokens: 4000 });
    expect(h.chats()[0].body?.max_tokens).toBe(4000);
    expect(paths(h)).not.toContain("/tokenize");
  });

  it("clamps max_tokens to the window minus the prompt counted by vLLM's /tokenize, and reports the count at once", async () => {
    h = await startHarness({ kind: "vllm", context: 32768 });
    const { events } = await sdkStream(h.client, bigTurn);
    const counted = countedBody(h, "/tokenize")!;
    expect(counted).toMatchObject({ model: "served-model", add_generation_prompt: true, messages: h.chats()[0].body?.messages, tools: h.chats()[0].body?.tools });
    const promptTokens = fakeTokenCount(counted);
    expect(promptTokens).toBeGreaterThan(768);
    expect(h.chats()[0].body?.max_tokens).toBe(32768 - promptTokens);
    expect((events[0].message as { usage: { input_tokens: number } }).usage.input_tokens).toBe(promptTokens);
  });

  it("uses llama-server's /props n_ctx and its input_tokens count, or /apply-template + /tokenize on older builds", async () => {
    for (const kind of ["llamacpp", "llamacpp-legacy"] as const) {
      h = await startHarness({ kind, context: 16384 });
      await sdkStream(h.client, bigTurn);
      expect(paths(h)).toContain("/props");
      const expected =
        kind === "llamacpp"
          ? fakeTokenCount(countedBody(h, "/v1/chat/completions/input_tokens")!)
          : Math.ceil(String(countedBody(h, "/tokenize")!.content).length / 4);
      expect(h.chats()[0].body?.max_tokens).toBe(16384 - expected);
      await h.close();
      h = undefined;
    }
  });

  it("uses a given context instead of asking, and refuses a prompt that cannot fit as Anthropic does", async () => {
    h = await startHarness({ kind: "llamacpp", context: 65536 }, { context: 12000 });
    await sdkStream(h.client, bigTurn);
    expect(paths(h)).not.toContain("/props");
    expect(h.chats()[0].body?.max_tokens).toBe(12000 - fakeTokenCount(countedBody(h, "/v1/chat/completions/input_tokens")!));
    await h.close();
    h = await startHarness({ kind: "vllm" }, { context: 2048 });
    const res = await post(h.url, "/v1/messages", { ...bigTurn, stream: true });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ type: "error", error: { type: "invalid_request_error", message: expect.stringMatching(/^prompt is too long: \d+ tokens > 2047 maximum$/) } });
    expect(h.chats()).toHaveLength(0);
  });

  it("counts tokens through the engine's tokenizer for count_tokens", async () => {
    for (const kind of ["vllm", "llamacpp"] as const) {
      h = await startHarness({ kind });
      const { input_tokens } = await h.client.messages.countTokens({ model: "claude-sonnet-5-5", system: bigTurn.system, tools: bigTurn.tools, messages: basicParams.messages });
      const counted = countedBody(h, kind === "vllm" ? "/tokenize" : "/v1/chat/completions/input_tokens")!;
      expect(input_tokens).toBe(fakeTokenCount(counted));
      expect((counted.messages as { role: string }[]).map((m) => m.role)).toEqual(["system", "user"]);
      await h.close();
      h = undefined;
    }
  });

  it("serves an Anthropic-shaped /v1/models and answers HEAD / and /health", async () => {
    h = await startHarness({ kind: "vllm", context: 40960 });
    const page = await h.client.models.list();
    expect(page.data).toEqual([{ type: "model", id: "served-model", display_name: "served-model", created_at: "2023-11-14T22:13:20.000Z", context_window: 40960 }]);
    const raw = await (await fetch(`${h.url}/v1/models`)).json();
    expect(raw).toMatchObject({ has_more: false, first_id: "served-model", last_id: "served-model" });
    expect(await h.client.models.retrieve("claude-opus-4-1")).toMatchObject({ type: "model", id: "claude-opus-4-1" });
    expect((await fetch(h.url, { method: "HEAD" })).status).toBe(200);
    expect(await (await fetch(`${h.url}/health`)).json()).toEqual({ status: "ok" });
  });

  it("does not remember an engine that was still loading: the window and models are asked again once it is up", async () => {
    h = await startHarness({ kind: "llamacpp", context: 16384 });
    h.upstream.setLoading(true);
    const loading = await post(h.url, "/v1/messages", bigTurn);
    expect(loading.status).toBe(529);
    expect(((await loading.json()) as { error: { message: string } }).error.message).toContain("Loading model");
    h.upstream.setLoading(false);
    await sdkStream(h.client, bigTurn);
    expect(h.chats().at(-1)!.body).toMatchObject({ model: "served-model", max_tokens: 16384 - fakeTokenCount(countedBody(h, "/v1/chat/completions/input_tokens")!) });
  });

  it("asks the engine again after it was unreachable (it may have restarted with another window)", async () => {
    const first = await startScriptedUpstream({ kind: "vllm", context: 32768 });
    const port = Number(new URL(first.url).port);
    const proxy = await startProxy({ upstream: first.url, port: 0 });
    try {
      const send = () => post(proxy.url, "/v1/messages", bigTurn);
      expect((await send()).status).toBe(200);
      await first.close();
      expect((await send()).status).toBe(529);
      const second = await startScriptedUpstream({ kind: "vllm", context: 20000, port });
      expect((await send()).status).toBe(200);
      const chat = second.requests.find((r) => r.path === "/v1/chat/completions")!;
      expect(chat.body?.max_tokens).toBe(20000 - fakeTokenCount(second.requests.find((r) => r.path === "/tokenize")!.body!));
      await second.close();
    } finally {
      await proxy.close();
    }
  });
});
