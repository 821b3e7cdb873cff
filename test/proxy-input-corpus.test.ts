import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { post, startHarness, type Harness } from "./helpers/proxy-harness.ts";

// Request shapes Claude Code sends today, shapes the Messages API may grow into, and broken input. The first
// two kinds must reach the engine (200); only broken input gets a 400 naming the field.
let h: Harness;
const notices: string[] = [];
beforeAll(async () => {
  h = await startHarness({}, { notice: (line) => notices.push(line) });
});
afterAll(() => h.close());

const base = { model: "claude-sonnet-5-5", max_tokens: 64, messages: [{ role: "user", content: "hi" }] };

async function send(body: unknown): Promise<{ status: number; json: { error?: { type: string; message: string } } }> {
  const res = await post(h.url, "/v1/messages?beta=true", body);
  return { status: res.status, json: (await res.json()) as { error?: { type: string; message: string } } };
}

async function engineMessages(body: Record<string, unknown>): Promise<unknown[]> {
  const before = h.chats().length;
  const { status, json } = await send({ ...base, ...body, stream: false });
  expect(status, JSON.stringify(json)).toBe(200);
  expect(h.chats().length).toBeGreaterThan(before);
  return h.chats().at(-1)!.body!.messages as unknown[];
}

/** Claude Code 2.1.332's first request, shapes kept, texts shortened. */
const claudeCode2_1_332 = {
  model: "claude-sonnet-5-5",
  messages: [
    { role: "user", content: [{ type: "text", text: "<system-reminder>\nAttribution...\n</system-reminder>\n" }, { type: "text", text: "Say hello" }] },
    { role: "system", content: [{ type: "text", text: "# Environment\n - Platform: linux", cache_control: { type: "ephemeral" } }] },
  ],
  system: [
    { type: "text", text: "x-anthropic-billing-header: cc_version=2.1.332.1c9; cc_entrypoint=sdk-cli;" },
    { type: "text", text: "You are a Claude agent.", cache_control: { type: "ephemeral" } },
  ],
  tools: [
    { name: "Read", description: "Reads a file.", input_schema: { type: "object", properties: { file_path: { type: "string" } }, required: ["file_path"] } },
    { name: "DeferredToolPlaceholder", description: "never call this tool", input_schema: { type: "object", properties: {} }, defer_loading: true },
  ],
  metadata: { user_id: '{"device_id":"d","session_id":"s"}' },
  max_tokens: 32000,
  thinking: { type: "adaptive", display: "updates" },
  context_management: { edits: [{ type: "clear_thinking_20251015", keep: "all" }] },
  output_config: { effort: "high" },
  stream: true,
};

describe("accepted: what Claude Code sends today", () => {
  it("takes Claude Code 2.1.332's first request and sends its system message in place", async () => {
    const messages = await engineMessages(claudeCode2_1_332);
    expect(messages).toEqual([
      { role: "system", content: "You are a Claude agent." },
      { role: "user", content: "<system-reminder>\nAttribution...\n</system-reminder>\n\nSay hello" },
      { role: "system", content: "# Environment\n - Platform: linux" },
    ]);
    const chat = h.chats().at(-1)!.body!;
    expect(chat).toMatchObject({ chat_template_kwargs: { enable_thinking: true }, reasoning_effort: "high" });
    expect(chat).not.toHaveProperty("thinking");
    expect(chat).not.toHaveProperty("context_management");
  });

  it("takes a system message given as a plain string, and several in a row", async () => {
    const messages = await engineMessages({
      messages: [{ role: "user", content: "q" }, { role: "system", content: "agents: a, b" }, { role: "system", content: [{ type: "text", text: "skills: c" }, { type: "text", text: "d" }] }],
    });
    expect(messages).toEqual([
      { role: "user", content: "q" },
      { role: "system", content: "agents: a, b" },
      { role: "system", content: "skills: c\n\nd" },
    ]);
  });
});

describe("accepted: shapes from the future", () => {
  it("ignores unknown top-level fields and unknown fields inside known objects", async () => {
    const messages = await engineMessages({
      speed: "fast",
      inference_geo: "eu",
      future_feature_2027: { nested: [1, 2] },
      thinking: { type: "adaptive", display: "summarized", future: true },
      output_config: { effort: "medium", format: { type: "json_schema" }, verbosity: 3 },
      tools: [{ name: "Bash", description: "run", input_schema: { type: "object" }, strict: true, input_examples: [{}], cache_control: { type: "ephemeral", ttl: "1h" } }],
      messages: [{ role: "user", content: [{ type: "text", text: "hi", citations: null, cache_control: { type: "ephemeral" } }], id: "x" }],
    });
    expect(messages).toEqual([{ role: "user", content: "hi" }]);
  });

  it("keeps the text of unknown blocks that carry some and drops the rest", async () => {
    const messages = await engineMessages({
      messages: [
        {
          role: "user",
          content: [
            { type: "document", source: { type: "text", media_type: "text/plain", data: "doc text" }, title: "t" },
            { type: "document", source: { type: "base64", media_type: "application/pdf", data: "JVBER" } },
            { type: "search_result", source: "https://x", title: "r", content: [{ type: "text", text: "found it" }] },
            { type: "container_upload", file_id: "f" },
            { type: "hologram_2031", text: "future text" },
            { type: "text", text: "question" },
          ],
        },
        {
          role: "assistant",
          content: [
            { type: "server_tool_use", id: "srvtoolu_1", name: "web_search", input: { query: "q" } },
            { type: "web_search_tool_result", tool_use_id: "srvtoolu_1", content: [{ type: "web_search_result", url: "u", title: "t", encrypted_content: "e" }] },
            { type: "text", text: "answer" },
            { type: "tool_use", id: "toolu_1", name: "ToolSearch", input: { query: "select:Read" } },
          ],
        },
        {
          role: "user",
          content: [{ type: "tool_result", tool_use_id: "toolu_1", content: [{ type: "tool_reference", tool_name: "Read" }, { type: "text", text: "loaded" }, { type: "search_result", content: "inline" }] }],
        },
      ],
    });
    expect(messages).toEqual([
      { role: "user", content: "doc text\nfound it\nfuture text\nquestion" },
      { role: "assistant", content: "answer", tool_calls: [{ id: "toolu_1", type: "function", function: { name: "ToolSearch", arguments: '{"query":"select:Read"}' } }] },
      { role: "tool", tool_call_id: "toolu_1", content: "loaded\ninline" },
    ]);
  });

  it("accepts unknown thinking types, efforts and context edits without failing", async () => {
    const { status } = await send({ ...base, thinking: { type: "auto" }, output_config: { effort: "ultra" }, context_management: { edits: [{ type: "compact_20270101", trigger: { type: "input_tokens", value: 1 } }] } });
    expect(status).toBe(200);
    expect(h.chats().at(-1)!.body).not.toHaveProperty("reasoning_effort");
  });

  it("logs each tolerated kind once, counts every occurrence, and sums them up at close", async () => {
    const counted = h.proxy.tolerated.counted();
    expect(counted.get('content block "document" (text kept)')).toBe(1);
    expect(counted.get('content block "document" (dropped)')).toBe(1);
    expect(counted.get('request field "speed" (ignored)')).toBe(1);
    expect(counted.get('context edit "compact_20270101" (not applied)')).toBe(1);
    await engineMessages({ speed: "slow", messages: [{ role: "user", content: [{ type: "document", source: { type: "text", data: "again" } }] }] });
    expect(counted.get('request field "speed" (ignored)')).toBe(2);
    expect(counted.get('content block "document" (text kept)')).toBe(2);
    expect(notices.filter((line) => line.includes('request field "speed"'))).toHaveLength(1);
    expect(notices.filter((line) => line.includes('content block "document" (text kept)'))).toHaveLength(1);
    expect(counted.has('request field "metadata" (ignored)')).toBe(false);
    expect(h.proxy.tolerated.summary()).toMatch(/request field "speed" \(ignored\) x2/);
  });
});

describe("refused: broken input, with the field named", () => {
  const cases: [string, unknown, RegExp][] = [
    ["no messages", { model: "m", max_tokens: 5 }, /^messages: /],
    ["no model", { max_tokens: 5, messages: [{ role: "user", content: "x" }] }, /^model: /],
    ["messages not an array", { ...base, messages: "hi" }, /^messages: .*array/],
    ["max_tokens as a string", { ...base, max_tokens: "64" }, /^max_tokens: .*number/],
    ["content as a number", { ...base, messages: [{ role: "user", content: 5 }] }, /^messages\.0\.content: /],
    ["a text block without text", { ...base, messages: [{ role: "user", content: [{ type: "text" }] }] }, /^messages\.0\.content\.0\.text: /],
    ["a tool_use block without an id", { ...base, messages: [{ role: "assistant", content: [{ type: "tool_use", name: "x", input: {} }] }] }, /^messages\.0\.content\.0\.id: /],
    ["a block without a type", { ...base, messages: [{ role: "user", content: [{ text: "x" }] }] }, /^messages\.0\.content\.0\.type: /],
    ["an unknown role", { ...base, messages: [{ role: "developer", content: "x" }] }, /^messages\.0\.role: /],
    ["system as a number", { ...base, system: 42 }, /^system: /],
    ["tools not an array", { ...base, tools: { name: "x" } }, /^tools: /],
    ["thinking as a string", { ...base, thinking: "on" }, /^thinking: /],
    ["context_management.edits not an array", { ...base, context_management: { edits: "all" } }, /^context_management\.edits: /],
    ["a body that is an array", [base], /^body: /],
  ];
  for (const [name, body, message] of cases) {
    it(name, async () => {
      const before = h.chats().length;
      const { status, json } = await send(body);
      expect(status).toBe(400);
      expect(json.error?.type).toBe("invalid_request_error");
      expect(json.error?.message).toMatch(message);
      expect(h.chats().length).toBe(before);
    });
  }

  it("bad JSON", async () => {
    const res = await post(h.url, "/v1/messages", '{"model": "m", "messages": [');
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/^request body is not valid JSON/);
  });
});
