import { afterEach, describe, expect, it } from "vitest";
import type { AnthropicMessage } from "../src/proxy/anthropic-schema.ts";
import { foldSystemMessages } from "../src/proxy/system-messages.ts";
import { jsonSpans } from "./helpers/json-spans.ts";
import { post, startHarness, type Harness } from "./helpers/proxy-harness.ts";
import type { RecordedRequest, Script } from "./helpers/scripted-upstream.ts";

const reminder = (text: string) => ({ type: "text", text: `<system-reminder>\n${text}\n</system-reminder>` });

describe("folding system messages into user turns", () => {
  it("appends to the user turn it follows, as Claude Code places them", () => {
    const messages: AnthropicMessage[] = [
      { role: "user", content: "q" },
      { role: "system", content: "agents" },
      { role: "system", content: [{ type: "text", text: "skills" }] },
      { role: "assistant", content: "a" },
    ];
    expect(foldSystemMessages(messages)).toEqual([
      { role: "user", content: [{ type: "text", text: "q" }, reminder("agents"), reminder("skills")] },
      { role: "assistant", content: "a" },
    ]);
  });

  it("prepends to the next user turn when nothing precedes, and stands alone after an assistant turn", () => {
    const messages: AnthropicMessage[] = [
      { role: "system", content: "first" },
      { role: "user", content: [{ type: "text", text: "q" }] },
      { role: "assistant", content: "a" },
      { role: "system", content: "late" },
      { role: "assistant", content: "b" },
    ];
    expect(foldSystemMessages(messages)).toEqual([
      { role: "user", content: [reminder("first"), { type: "text", text: "q" }] },
      { role: "assistant", content: "a" },
      { role: "user", content: [reminder("late")] },
      { role: "assistant", content: "b" },
    ]);
  });

  it("leaves messages without system turns untouched (same array)", () => {
    const messages: AnthropicMessage[] = [{ role: "user", content: "q" }];
    expect(foldSystemMessages(messages)).toBe(messages);
  });
});

/** An engine whose chat template raises on a system message after the first (as llama-server answers it). */
const rejectingTemplate = (req: RecordedRequest): Script => {
  const messages = (req.body?.messages ?? []) as { role: string }[];
  if (messages.some((m, i) => i > 0 && m.role === "system")) {
    return { status: 400, errorBody: { error: { code: 400, message: "Jinja Exception: System message must be at the beginning.", type: "invalid_request_error" } } };
  }
  return { chunks: [], completion: { id: "c", object: "chat.completion", choices: [{ index: 0, message: { role: "assistant", content: "ok" }, finish_reason: "stop" }], usage: { prompt_tokens: 3, completion_tokens: 1 } } };
};

let h: Harness;
afterEach(() => h?.close());

const turn1 = [
  { role: "user", content: "Say hello" },
  { role: "system", content: "Agents: Explore, Plan." },
];
const turn2 = [...turn1, { role: "assistant", content: "Hello." }, { role: "user", content: "Again" }];
const request = (messages: object[]) => ({ model: "claude-sonnet-5-5", max_tokens: 32, system: "You are terse.", messages });

async function send(messages: object[]): Promise<Response> {
  return post(h.url, "/v1/messages", request(messages));
}

const probes = () => h.chats().filter((c) => c.body?.max_tokens === 1);
const realTurns = () => h.chats().filter((c) => c.body?.max_tokens !== 1);

/** The later body repeats the earlier one byte for byte through the end of its last message. */
function expectPrefixKept(earlier: RecordedRequest, later: RecordedRequest): void {
  const end = jsonSpans(earlier.text).messageEnds.at(-1)!;
  expect(later.text.slice(0, end)).toBe(earlier.text.slice(0, end));
}

describe("choosing how mid-conversation system messages reach the engine", () => {
  it("probes once and sends them in place when the template takes them", async () => {
    const notices: string[] = [];
    h = await startHarness({}, { notice: (line) => notices.push(line) });
    expect((await send(turn1)).status).toBe(200);
    expect((await send(turn2)).status).toBe(200);
    expect(probes()).toHaveLength(1);
    const [first, second] = realTurns();
    expect(first.body!.messages).toEqual([{ role: "system", content: "You are terse." }, ...turn1]);
    expectPrefixKept(first, second);
    expect(notices.filter((n) => n.includes("mid-conversation system messages"))).toEqual([expect.stringContaining("sent in place")]);
  });

  it("folds them into the user turn when the template rejects them, keeping the prefix byte-identical", async () => {
    const notices: string[] = [];
    h = await startHarness({ script: rejectingTemplate }, { notice: (line) => notices.push(line) });
    expect((await send(turn1)).status).toBe(200);
    expect((await send(turn2)).status).toBe(200);
    expect(probes()).toHaveLength(2); // with the late system message (400), then without it (200)
    const [first, second] = realTurns();
    expect(first.body!.messages).toEqual([
      { role: "system", content: "You are terse." },
      { role: "user", content: "Say hello\n<system-reminder>\nAgents: Explore, Plan.\n</system-reminder>" },
    ]);
    expectPrefixKept(first, second);
    expect(notices).toContainEqual(expect.stringContaining("folded into user turns"));
  });

  it("obeys --system-messages: fold without probing, inplace even where the engine refuses", async () => {
    h = await startHarness({ script: rejectingTemplate }, { systemMessages: "fold" });
    expect((await send(turn1)).status).toBe(200);
    expect(probes()).toHaveLength(0);
    await h.close();
    h = await startHarness({ script: rejectingTemplate }, { systemMessages: "inplace" });
    const res = await send(turn1);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ type: "error", error: { type: "invalid_request_error", message: expect.stringContaining("System message must be at the beginning") } });
    expect(probes()).toHaveLength(0);
  });

  it("does not probe for requests without system messages", async () => {
    h = await startHarness({ script: rejectingTemplate });
    expect((await send([{ role: "user", content: "hi" }])).status).toBe(200);
    expect(probes()).toHaveLength(0);
  });
});
