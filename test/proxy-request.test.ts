import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { basicParams, post, startHarness, type Harness } from "./helpers/proxy-harness.ts";

let h: Harness;
beforeAll(async () => {
  h = await startHarness({}, { modelMap: ["claude-*haiku*=small-model", "big=served-model"] });
});
afterAll(() => h.close());

/** Sends one request through the proxy and returns what the engine received. */
async function upstreamBodyFor(params: Record<string, unknown>): Promise<Record<string, unknown>> {
  const before = h.chats().length;
  const res = await post(h.url, "/v1/messages?beta=true", { ...basicParams, ...params });
  expect(res.status).toBe(200);
  await res.text();
  expect(h.chats().length).toBe(before + 1);
  return h.chats().at(-1)!.body!;
}

const claudeCodeSystem = (cch: string) => [
  { type: "text", text: `x-anthropic-billing-header: cc_version=2.1.197.abc; cc_entrypoint=cli; cch=${cch};` },
  { type: "text", text: "You are Claude Code.", cache_control: { type: "ephemeral" } },
  { type: "text", text: "Be concise.", cache_control: { type: "ephemeral" } },
];

describe("proxy request translation", () => {
  it("accepts unknown fields and Claude Code's headers, and flattens system without the billing header", async () => {
    const body = await upstreamBodyFor({
      system: claudeCodeSystem("0f3a"),
      metadata: { user_id: '{"session":"x"}' },
      context_management: { edits: [{ type: "clear_tool_uses_20250919" }] },
      output_config: { effort: "medium", format: null },
      messages: [{ role: "user", content: [{ type: "text", text: "hi", cache_control: { type: "ephemeral" } }] }],
    });
    expect(body.messages).toEqual([
      { role: "system", content: "You are Claude Code.\n\nBe concise." },
      { role: "user", content: "hi" },
    ]);
    expect(body).not.toHaveProperty("metadata");
    expect(body).not.toHaveProperty("context_management");
  });

  it("sends byte-identical prompts for identical turns whatever the per-request cch value", async () => {
    const turn = (cch: string) => ({ system: claudeCodeSystem(cch), messages: [{ role: "user", content: "same" }], stream: true });
    await upstreamBodyFor(turn("1111"));
    const first = h.chats().at(-1)!.text;
    await upstreamBodyFor(turn("2222"));
    expect(h.chats().at(-1)!.text).toBe(first);
  });

  it("turns tool_use into tool_calls and tool_result into tool messages before that turn's user text", async () => {
    const body = await upstreamBodyFor({
      thinking: { type: "enabled", budget_tokens: 2000 },
      messages: [
        { role: "user", content: "list files" },
        {
          role: "assistant",
          content: [
            { type: "thinking", thinking: "I should run ls.", signature: "sig" },
            { type: "text", text: "Listing." },
            { type: "tool_use", id: "toolu_1", name: "Bash", input: { command: "ls" } },
            { type: "tool_use", id: "toolu_2", name: "Read", input: { path: "a" } },
          ],
        },
        {
          role: "user",
          content: [
            { type: "tool_result", tool_use_id: "toolu_1", content: "a\nb" },
            {
              type: "tool_result",
              tool_use_id: "toolu_2",
              is_error: true,
              content: [
                { type: "text", text: "no such file" },
                { type: "image", source: { type: "base64", media_type: "image/png", data: "iVBO" } },
              ],
            },
            { type: "text", text: "now explain" },
          ],
        },
      ],
    });
    expect(body.messages).toEqual([
      { role: "user", content: "list files" },
      {
        role: "assistant",
        content: "Listing.",
        reasoning_content: "I should run ls.",
        tool_calls: [
          { id: "toolu_1", type: "function", function: { name: "Bash", arguments: '{"command":"ls"}' } },
          { id: "toolu_2", type: "function", function: { name: "Read", arguments: '{"path":"a"}' } },
        ],
      },
      { role: "tool", tool_call_id: "toolu_1", content: "a\nb" },
      { role: "tool", tool_call_id: "toolu_2", content: "Error: no such file" },
      {
        role: "user",
        content: [
          { type: "image_url", image_url: { url: "data:image/png;base64,iVBO" } },
          { type: "text", text: "now explain" },
        ],
      },
    ]);
  });

  it("drops thinking blocks from history when thinking is not on", async () => {
    const body = await upstreamBodyFor({
      messages: [
        { role: "user", content: "q" },
        { role: "assistant", content: [{ type: "thinking", thinking: "hmm", signature: "s" }, { type: "text", text: "a" }] },
        { role: "user", content: "more" },
      ],
    });
    expect((body.messages as object[])[1]).toEqual({ role: "assistant", content: "a" });
  });

  it("maps tools and every tool_choice", async () => {
    const tools = [
      { name: "Bash", description: "Run a command", input_schema: { type: "object", properties: { command: { type: "string" } }, required: ["command"] } },
      { name: "web_search", type: "web_search_20250305", max_uses: 3 },
    ];
    const cases: [unknown, unknown, boolean?][] = [
      [{ type: "auto" }, "auto"],
      [{ type: "any" }, "required"],
      [{ type: "tool", name: "Bash" }, { type: "function", function: { name: "Bash" } }],
      [{ type: "none" }, "none"],
      [{ type: "auto", disable_parallel_tool_use: true }, "auto", false],
    ];
    for (const [choice, expected, parallel] of cases) {
      const body = await upstreamBodyFor({ tools, tool_choice: choice });
      expect(body.tools).toEqual([{ type: "function", function: { name: "Bash", description: "Run a command", parameters: tools[0].input_schema } }]);
      expect(body.tool_choice).toEqual(expected);
      expect(body.parallel_tool_calls).toBe(parallel);
    }
  });

  it("passes stop_sequences, temperature, top_p and top_k", async () => {
    const body = await upstreamBodyFor({ stop_sequences: ["\n\nHuman:"], temperature: 0.2, top_p: 0.9, top_k: 40 });
    expect(body).toMatchObject({ stop: ["\n\nHuman:"], temperature: 0.2, top_p: 0.9, top_k: 40, max_tokens: 256, stream: false });
  });

  it("maps reasoning effort only when thinking is on", async () => {
    expect(await upstreamBodyFor({ thinking: { type: "adaptive" }, output_config: { effort: "max" } })).toMatchObject({ reasoning_effort: "high" });
    expect(await upstreamBodyFor({ output_config: { effort: "low" } })).not.toHaveProperty("reasoning_effort");
  });

  it("maps model names: rules first, served names as they are, anything else to the served model", async () => {
    const modelFor = async (model: string) => (await upstreamBodyFor({ model })).model;
    expect(await modelFor("claude-haiku-4-5-20251001")).toBe("small-model");
    expect(await modelFor("big")).toBe("served-model");
    expect(await modelFor("served-model")).toBe("served-model");
    expect(await modelFor("claude-opus-4-1")).toBe("served-model");
  });
});
