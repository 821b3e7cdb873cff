import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { basicParams, post, startHarness, type Harness } from "./helpers/proxy-harness.ts";

let vllm: Harness;
let llama: Harness;
beforeAll(async () => {
  vllm = await startHarness({ kind: "vllm" });
  llama = await startHarness({ kind: "llamacpp" });
});
afterAll(async () => {
  await vllm.close();
  await llama.close();
});

async function engineBody(h: Harness, params: Record<string, unknown>): Promise<Record<string, unknown>> {
  const res = await post(h.url, "/v1/messages", { ...basicParams, ...params });
  expect(res.status, await res.clone().text()).toBe(200);
  await res.text();
  return h.chats().at(-1)!.body!;
}

describe("thinking.type and output_config.effort -> the engine's reasoning controls", () => {
  it("enabled and adaptive turn reasoning on (no budget is forwarded); disabled and absent turn it off", async () => {
    for (const thinking of [{ type: "enabled", budget_tokens: 2048 }, { type: "adaptive" }]) {
      const body = await engineBody(vllm, { thinking });
      expect(body.chat_template_kwargs).toEqual({ enable_thinking: true });
      expect(body).not.toHaveProperty("thinking_token_budget");
    }
    expect((await engineBody(vllm, { thinking: { type: "disabled" } })).chat_template_kwargs).toEqual({ enable_thinking: false });
    expect((await engineBody(vllm, {})).chat_template_kwargs).toEqual({ enable_thinking: false });
  });

  it("sends effort as vLLM's reasoning_effort, in the values vLLM accepts", async () => {
    const effortFor = async (effort: string) => (await engineBody(vllm, { thinking: { type: "adaptive" }, output_config: { effort } })).reasoning_effort;
    expect(await effortFor("low")).toBe("low");
    expect(await effortFor("medium")).toBe("medium");
    expect(await effortFor("high")).toBe("high");
    expect(await effortFor("max")).toBe("high");
    expect(await effortFor("someday")).toBeUndefined();
  });

  it("drops effort for llama-server, which has no per-request control for it", async () => {
    const body = await engineBody(llama, { thinking: { type: "adaptive" }, output_config: { effort: "high" } });
    expect(body.chat_template_kwargs).toEqual({ enable_thinking: true });
    expect(body).not.toHaveProperty("reasoning_effort");
  });
});

describe("context_management edits", () => {
  const history = [
    { role: "user", content: "one" },
    { role: "assistant", content: [{ type: "thinking", thinking: "t1", signature: "s" }, { type: "text", text: "a1" }] },
    { role: "user", content: "two" },
    { role: "assistant", content: [{ type: "thinking", thinking: "t2", signature: "s" }, { type: "text", text: "a2" }] },
    { role: "user", content: "three" },
    { role: "assistant", content: [{ type: "thinking", thinking: "t3", signature: "s" }, { type: "text", text: "a3" }] },
    { role: "user", content: "four" },
  ];
  const reasoningKept = async (context_management?: object) => {
    const body = await engineBody(vllm, { thinking: { type: "adaptive" }, messages: history, context_management });
    return (body.messages as { role: string; reasoning_content?: string }[]).filter((m) => m.role === "assistant").map((m) => m.reasoning_content ?? null);
  };

  it("keeps every turn's thinking without an edit, and with clear_thinking keep: all", async () => {
    expect(await reasoningKept()).toEqual(["t1", "t2", "t3"]);
    expect(await reasoningKept({ edits: [{ type: "clear_thinking_20251015", keep: "all" }] })).toEqual(["t1", "t2", "t3"]);
  });

  it("clear_thinking keeps only the last N assistant turns' thinking (1 when keep is not given)", async () => {
    expect(await reasoningKept({ edits: [{ type: "clear_thinking_20251015", keep: { type: "thinking_turns", value: 2 } }] })).toEqual([null, "t2", "t3"]);
    expect(await reasoningKept({ edits: [{ type: "clear_thinking_20251015" }] })).toEqual([null, null, "t3"]);
    expect(await reasoningKept({ edits: [{ type: "clear_thinking_20251015", keep: { type: "thinking_turns", value: 0 } }] })).toEqual([null, null, null]);
  });

  it("ignores other edits", async () => {
    expect(await reasoningKept({ edits: [{ type: "clear_tool_uses_20250919", trigger: { type: "input_tokens", value: 10 } }] })).toEqual(["t1", "t2", "t3"]);
    expect(vllm.proxy.tolerated.counted().get('context edit "clear_tool_uses_20250919" (not applied)')).toBe(1);
  });
});
