import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSimServer, type SimServer } from "../src/sim/index.ts";
import { measureStream } from "../src/sim/probe.ts";
import { monotonicClock } from "../src/client/types.ts";
import { suiteFor } from "../src/suites/registry.ts";
import type { Target } from "../src/suites/types.ts";

/** The simulator's HTTP API, in process: endpoints, usage accounting, tools, errors, auth, faults. */
const cacheRoot = mkdtempSync(join(tmpdir(), "sim-api-"));
const quiet = () => new PassThrough().resume();

async function start(extra: string[], env: Record<string, string> = {}): Promise<SimServer> {
  const argv = ["QuantTrio/GLM-4.7-Flash-AWQ", "--served-model-name", "glm", "--host", "127.0.0.1", "--port", "0", "--max-model-len", "4096", "--time-scale", "200", ...extra];
  return startSimServer({ argv, env: { VLLM_CACHE_ROOT: cacheRoot, ...env }, stdout: quiet(), stderr: quiet() });
}

async function call(server: SimServer, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await request(server.url + path, {
    method: body === undefined ? "GET" : "POST",
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
    headers: { "content-type": "application/json", ...headers },
  });
  const text = await res.body.text();
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- bodies are checked field by field below
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.statusCode, headers: res.headers, text, json };
}

const user = (content: string) => [{ role: "user", content }];
const weatherTool = {
  type: "function",
  function: {
    name: "get_weather",
    parameters: {
      type: "object",
      properties: { city: { type: "string" }, unit: { type: "string", enum: ["celsius", "fahrenheit"] }, days: { type: "integer", minimum: 1, maximum: 7 } },
      required: ["city", "unit", "days"],
    },
  },
};

describe("simulated vLLM HTTP API", () => {
  let server: SimServer;
  beforeAll(async () => {
    server = await start(["--reasoning-parser", "glm45", "--tool-call-parser", "glm47", "--enable-auto-tool-choice"]);
  });
  afterAll(() => server.close());

  it("serves /health (200, empty), /version with the time scale, and x-sim-time-scale on every response", async () => {
    const health = await call(server, "/health");
    expect([health.status, health.text]).toEqual([200, ""]);
    const version = await call(server, "/version");
    expect(version.json.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(version.json.sim.time_scale).toBe(200);
    expect(version.headers["x-sim-time-scale"]).toBe("200");
  });

  it("lists the served model with max_model_len", async () => {
    const models = await call(server, "/v1/models");
    expect(models.json.object).toBe("list");
    expect(models.json.data[0]).toMatchObject({ id: "glm", object: "model", owned_by: "vllm", root: "QuantTrio/GLM-4.7-Flash-AWQ", max_model_len: 4096 });
  });

  it("counts chat prompt tokens exactly as /tokenize does, and output tokens as the text retokenizes", async () => {
    const messages = [{ role: "system", content: "You are terse." }, ...user("Explain prefix caching, in detail, please.")];
    const tokenized = await call(server, "/tokenize", { model: "glm", messages, chat_template_kwargs: { enable_thinking: false } });
    expect(tokenized.json.count).toBe(tokenized.json.tokens.length);
    const chat = await call(server, "/v1/chat/completions", { model: "glm", messages, max_tokens: 40, ignore_eos: true, chat_template_kwargs: { enable_thinking: false } });
    expect(chat.json.usage.prompt_tokens).toBe(tokenized.json.count);
    expect(chat.json.usage.completion_tokens).toBe(40);
    expect(chat.json.choices[0].finish_reason).toBe("length");
    const text = chat.json.choices[0].message.content as string;
    const retokenized = await call(server, "/tokenize", { prompt: text, add_special_tokens: false });
    expect(retokenized.json.count).toBe(40);
    const detok = await call(server, "/detokenize", { tokens: retokenized.json.tokens });
    expect(detok.json.prompt).toBe(text);
  });

  it("streams chat with a final choices:[] usage chunk then [DONE]", async () => {
    const res = await call(server, "/v1/chat/completions", { messages: user("hi"), max_tokens: 12, ignore_eos: true, stream: true, stream_options: { include_usage: true } });
    expect(res.headers["content-type"]).toContain("text/event-stream");
    const events = res.text.trim().split("\n\n");
    expect(events.at(-1)).toBe("data: [DONE]");
    const chunks = events.slice(0, -1).map((e) => JSON.parse(e.replace(/^data: /, "")));
    expect(chunks[0].choices[0].delta.role).toBe("assistant");
    const last = chunks.at(-1);
    expect(last.choices).toEqual([]);
    expect(last.usage).toMatchObject({ completion_tokens: 12, total_tokens: last.usage.prompt_tokens + 12 });
    expect(chunks.at(-2).choices[0].finish_reason).toBe("length");
    expect(chunks.every((c) => c.object === "chat.completion.chunk" && c.id === chunks[0].id)).toBe(true);
  });

  it("splits reasoning from content with a reasoning parser, unless thinking is disabled", async () => {
    const on = await call(server, "/v1/chat/completions", { messages: user("think"), max_tokens: 200, ignore_eos: true, seed: 3 });
    expect(on.json.choices[0].message.reasoning.length).toBeGreaterThan(0);
    expect(on.json.choices[0].message.content.length).toBeGreaterThan(0);
    const off = await call(server, "/v1/chat/completions", { messages: user("think"), max_tokens: 50, ignore_eos: true, chat_template_kwargs: { enable_thinking: false } });
    expect(off.json.choices[0].message.reasoning).toBeNull();
  });

  it("honours stop strings, EOS without ignore_eos, and seeds", async () => {
    const a = await call(server, "/v1/chat/completions", { messages: user("story"), max_tokens: 3000, seed: 42, chat_template_kwargs: { enable_thinking: false } });
    const b = await call(server, "/v1/chat/completions", { messages: user("story"), max_tokens: 3000, seed: 42, chat_template_kwargs: { enable_thinking: false } });
    expect(a.json.choices[0].message.content).toBe(b.json.choices[0].message.content);
    expect(a.json.choices[0].finish_reason).toBe("stop");
    expect(a.json.usage.completion_tokens).toBeLessThan(3000);
    const words = (a.json.choices[0].message.content as string).split(" ");
    const stop = words[Math.floor(words.length / 2)];
    const c = await call(server, "/v1/chat/completions", { messages: user("story"), max_tokens: 3000, seed: 42, stop: [stop], chat_template_kwargs: { enable_thinking: false } });
    const content = c.json.choices[0].message.content as string;
    expect(content).not.toContain(stop);
    expect(a.json.choices[0].message.content.startsWith(content)).toBe(true);
    expect(c.json.choices[0]).toMatchObject({ finish_reason: "stop", stop_reason: stop });
  });

  it("serves /v1/completions, streaming and not (default max_tokens 16)", async () => {
    const plain = await call(server, "/v1/completions", { model: "glm", prompt: "Once upon a time", ignore_eos: true });
    expect(plain.json.object).toBe("text_completion");
    expect(plain.json.usage.completion_tokens).toBe(16);
    const tokenized = await call(server, "/tokenize", { prompt: "Once upon a time" });
    expect(plain.json.usage.prompt_tokens).toBe(tokenized.json.count);
    const streamed = await measureStream(server.url, "/v1/completions", { prompt: "Once upon a time", max_tokens: 9, ignore_eos: true });
    expect(streamed.usage?.completion_tokens).toBe(9);
    expect(streamed.finishReason).toBe("length");
  });

  it("forces a tool call whose JSON arguments match the tool's schema, streamed as tool_call deltas", async () => {
    for (const tool_choice of ["required", { type: "function", function: { name: "get_weather" } }] as const) {
      const res = await measureStream(server.url, "/v1/chat/completions", { messages: user("weather in Paris?"), tools: [weatherTool], tool_choice, chat_template_kwargs: { enable_thinking: false } });
      expect(res.toolCalls).toHaveLength(1);
      expect(res.toolCalls[0].id).toMatch(/^chatcmpl-tool-/);
      expect(res.toolCalls[0].name).toBe("get_weather");
      const args = JSON.parse(res.toolCalls[0].arguments);
      expect(typeof args.city).toBe("string");
      expect(["celsius", "fahrenheit"]).toContain(args.unit);
      expect(Number.isInteger(args.days) && args.days >= 1 && args.days <= 7).toBe(true);
      expect(res.finishReason).toBe(tool_choice === "required" ? "tool_calls" : "stop");
    }
  });

  it("the toolcall suite against a forcing engine: every request returns a parsable call, tool_calls_ok = 1", async () => {
    const suite = suiteFor("toolcall");
    const target: Target = {
      baseUrl: server.url, model: "glm", engine: "sim", path: "direct", timeScale: 200,
      capabilities: { openaiChat: true, anthropicMessages: true, tokenize: "vllm", resetPrefixCache: "vllm", metrics: "vllm" },
    };
    const ctx = { target, repetitions: 1, clock: monotonicClock(), signal: new AbortController().signal, onPhase: () => {} };
    const [outcome] = await suite.run(ctx, suite.options.parse({ prompt_tokens: 2000, output_tokens: 256, requests: 3, repetitions: 1 }));
    const records = outcome.repetitions.flatMap((r) => r.records);
    expect(records).toHaveLength(3);
    for (const r of records) expect(r.toolCalls?.map((c) => c.name)).toEqual(["Read"]);
    expect(outcome.extra?.tool_calls_ok).toBe(1);
  });

  it("returns vLLM-shaped 400s for malformed requests and context overflow, 404 for unknown models", async () => {
    const bad = await call(server, "/v1/chat/completions", "{not json");
    expect(bad.status).toBe(400);
    expect(bad.json.error).toMatchObject({ type: "BadRequestError", param: null, code: 400 });
    const missing = await call(server, "/v1/chat/completions", { model: "glm" });
    expect(missing.status).toBe(400);
    expect(missing.json.error.message).toContain("messages");
    const long = "word ".repeat(5000);
    const overflow = await call(server, "/v1/chat/completions", { messages: user(long) });
    expect(overflow.status).toBe(400);
    expect(overflow.json.error.message).toMatch(/^This model's maximum context length is 4096 tokens\. However, you requested \d+ tokens/);
    const tooMany = await call(server, "/v1/chat/completions", { messages: user("hi"), max_tokens: 4090 });
    expect(tooMany.json.error.message).toMatch(/However, you requested \d+ tokens \(\d+ in the messages, 4090 in the completion\)/);
    const overMax = await call(server, "/v1/chat/completions", { messages: user("hi"), max_tokens: 5000 });
    expect(overMax.json.error).toMatchObject({ message: expect.stringMatching(/^max_tokens=5000 cannot be greater than max_model_len=4096/), param: "max_tokens" });
    const unknown = await call(server, "/v1/chat/completions", { model: "gpt-4", messages: user("hi") });
    expect([unknown.status, unknown.json.error.type]).toEqual([404, "NotFoundError"]);
  });

  it("serves native Anthropic /v1/messages: event sequence without pings, usage, count_tokens", async () => {
    const body = { model: "glm", max_tokens: 30, system: [{ type: "text", text: "x-anthropic-billing-header: cc_version=1" }, { type: "text", text: "Be brief." }], messages: user("hello") };
    const stream = await call(server, "/v1/messages", { ...body, stream: true });
    const events = stream.text.trim().split("\n\n").map((e) => e.split("\n")[0].replace("event: ", ""));
    expect(events[0]).toBe("message_start");
    expect(events.slice(-2)).toEqual(["message_delta", "message_stop"]);
    expect(events).not.toContain("ping");
    expect(events).toContain("content_block_start");
    const delta = JSON.parse(stream.text.trim().split("\n\n").at(-2)!.split("\n")[1].slice(6));
    const count = await call(server, "/v1/messages/count_tokens", body);
    expect(delta.usage.input_tokens).toBe(count.json.input_tokens);
    const plain = await call(server, "/v1/messages", body);
    expect(plain.json).toMatchObject({ type: "message", role: "assistant", model: "glm" });
    expect(plain.json.usage.input_tokens).toBe(count.json.input_tokens);
    const tooLong = await call(server, "/v1/messages", { ...body, max_tokens: 32000 });
    expect(tooLong.status).toBe(400);
    expect(tooLong.json).toMatchObject({ type: "error", error: { type: "BadRequestError" } });
  });

  it("maps Anthropic tool_choice any to a tool_use block with parsed input", async () => {
    const tools = [{ name: "get_weather", description: "weather", input_schema: weatherTool.function.parameters }];
    const res = await call(server, "/v1/messages", { model: "glm", max_tokens: 300, messages: user("weather?"), tools, tool_choice: { type: "any" }, chat_template_kwargs: { enable_thinking: false } });
    expect(res.json.stop_reason).toBe("tool_use");
    const block = res.json.content.find((b: { type: string }) => b.type === "tool_use");
    expect(block).toMatchObject({ name: "get_weather", input: { city: expect.any(String) } });
  });
});

describe("simulated vLLM options and faults", () => {
  it("requires tool_choice auto flags like vLLM", async () => {
    const server = await start([]);
    try {
      const res = await call(server, "/v1/chat/completions", { messages: user("hi"), tools: [weatherTool] });
      expect(res.status).toBe(400);
      expect(res.json.error.message).toBe('"auto" tool choice requires --enable-auto-tool-choice and --tool-call-parser to be set');
    } finally {
      await server.close();
    }
  });

  it("guards /v1 with the Bearer --api-key or VLLM_API_KEY (401 like vLLM) but not /health or /metrics", async () => {
    const server = await start(["--api-key", "sekret"]);
    try {
      const none = await call(server, "/v1/models");
      expect([none.status, none.json]).toEqual([401, { error: "Unauthorized" }]);
      expect((await call(server, "/v1/models", undefined, { "x-api-key": "sekret" })).status).toBe(401);
      expect((await call(server, "/v1/models", undefined, { authorization: "Bearer sekret" })).status).toBe(200);
      expect((await call(server, "/health")).status).toBe(200);
      expect((await call(server, "/metrics")).status).toBe(200);
    } finally {
      await server.close();
    }
    const fromEnv = await start([], { VLLM_API_KEY: "from-env" });
    try {
      expect((await call(fromEnv, "/v1/models")).status).toBe(401);
      expect((await call(fromEnv, "/v1/models", undefined, { authorization: "Bearer from-env" })).status).toBe(200);
    } finally {
      await fromEnv.close();
    }
  });

  it("reports cached prompt tokens and resets the prefix cache only in dev mode", async () => {
    const prompt = { messages: user("cache me ".repeat(300)), max_tokens: 2 };
    const plain = await start(["--enable-prompt-tokens-details"]);
    try {
      expect((await call(plain, "/reset_prefix_cache", {})).status).toBe(404);
      await call(plain, "/v1/chat/completions", prompt);
      const second = await call(plain, "/v1/chat/completions", prompt);
      expect(second.json.usage.prompt_tokens_details.cached_tokens).toBe(Math.floor((second.json.usage.prompt_tokens - 1) / 16) * 16);
    } finally {
      await plain.close();
    }
    const dev = await start(["--enable-prompt-tokens-details"], { VLLM_SERVER_DEV_MODE: "1" });
    try {
      await call(dev, "/v1/chat/completions", prompt);
      expect((await call(dev, "/reset_prefix_cache", {})).status).toBe(200);
      const after = await call(dev, "/v1/chat/completions", prompt);
      expect(after.json.usage.prompt_tokens_details.cached_tokens).toBe(0); // vLLM 0.32 reports 0, not null
    } finally {
      await dev.close();
    }
  });

  it("--fail-after-requests N: request N+1 gets a 500, /health turns 503, then the server exits 1", async () => {
    const server = await start(["--fail-after-requests", "2"]);
    for (let i = 0; i < 2; i++) expect((await call(server, "/v1/chat/completions", { messages: user("hi"), max_tokens: 3 })).status).toBe(200);
    const failed = await call(server, "/v1/chat/completions", { messages: user("hi"), max_tokens: 3 });
    expect(failed.status).toBe(500);
    expect(failed.json.error).toMatchObject({ type: "InternalServerError", code: 500 });
    expect((await call(server, "/health")).status).toBe(503);
    expect(await server.exited).toBe(1);
  });
});
