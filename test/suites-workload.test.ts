import { describe, expect, it } from "vitest";
import { loadDefinition, resolveOptions } from "../src/suites/definitions.ts";
import { suiteFor, suiteKinds } from "../src/suites/registry.ts";
import { claudeCodeRequest, CLAUDE_CODE_TOOLS, question } from "../src/suites/workload/claude-code.ts";
import { fitWords } from "../src/suites/workload/fit.ts";
import { toOpenAi } from "../src/suites/workload/to-openai.ts";
import type { Block, TextBlock } from "../src/suites/workload/types.ts";

const shape = { model: "m", salt: "a1b2c3d4e5f6", question: question("q"), maxTokens: 16, filler: { tools: 2000, system: 500, reminder: 100, toolCount: CLAUDE_CODE_TOOLS.length } };

describe("Claude-Code-shaped requests", () => {
  it("system in 3 blocks: billing header (cch per request), then two cached blocks starting with the salt", () => {
    const req = claudeCodeRequest({ ...shape, cch: "0a1b2" });
    const system = req.system as TextBlock[];
    expect(system).toHaveLength(3);
    expect(system[0].text).toMatch(/^x-anthropic-billing-header: cc_version=[\d.]+; cc_entrypoint=cli; cch=0a1b2;$/);
    expect(system[0].cache_control).toBeUndefined();
    expect(system.slice(1).every((b) => b.cache_control?.type === "ephemeral")).toBe(true);
    expect(system[2].text.startsWith(`Session ${shape.salt}.`)).toBe(true);
    expect((claudeCodeRequest(shape).system as TextBlock[])[0].text).not.toContain("cch=");
  });
  it("20-24 tools with JSON schemas, the usual ones among them", () => {
    expect(CLAUDE_CODE_TOOLS.length).toBeGreaterThanOrEqual(20);
    expect(CLAUDE_CODE_TOOLS.length).toBeLessThanOrEqual(24);
    const names = CLAUDE_CODE_TOOLS.map((t) => t.name);
    for (const n of ["Bash", "Read", "Edit", "Write", "Glob", "Grep", "TodoWrite", "WebFetch", "Task"]) expect(names).toContain(n);
    for (const t of CLAUDE_CODE_TOOLS) {
      expect(t.input_schema.type).toBe("object");
      for (const r of t.input_schema.required ?? []) expect(t.input_schema.properties).toHaveProperty(r);
    }
  });
  it("first user turn has 4 text blocks with system reminders; history adds tool_use / tool_result pairs", () => {
    const req = claudeCodeRequest({ ...shape, history: 2 });
    const first = req.messages[0].content as Block[];
    expect(first).toHaveLength(4);
    expect(first.filter((b) => b.type === "text" && b.text.startsWith("<system-reminder>"))).toHaveLength(3);
    expect(req.messages.map((m) => m.role)).toEqual(["user", "assistant", "user", "assistant", "user"]);
    const use = (req.messages[1].content as Block[]).find((b) => b.type === "tool_use");
    const result = (req.messages[2].content as Block[])[0];
    expect(result).toMatchObject({ type: "tool_result", tool_use_id: use && "id" in use ? use.id : "?" });
  });
  it("is deterministic per salt and differs between salts", () => {
    expect(JSON.stringify(claudeCodeRequest(shape))).toBe(JSON.stringify(claudeCodeRequest(shape)));
    expect(JSON.stringify(claudeCodeRequest({ ...shape, salt: "ffffffffffff" }))).not.toBe(JSON.stringify(claudeCodeRequest(shape)));
  });
  it("OpenAI equivalent: system flattened, tool results as tool messages, tool_choice mapped", () => {
    const chat = toOpenAi({ ...claudeCodeRequest({ ...shape, history: 1 }), tool_choice: { type: "tool", name: "Read" } });
    expect(chat.messages[0].role).toBe("system");
    expect(String(chat.messages[0].content)).toContain("x-anthropic-billing-header");
    expect(chat.messages.map((m) => m.role)).toEqual(["system", "user", "assistant", "tool"]);
    expect((chat.messages[2].tool_calls as Array<{ id: string }>)[0].id).toBe(chat.messages[3].tool_call_id);
    expect(chat.tools?.[0]).toMatchObject({ type: "function", function: { name: "Bash" } });
    expect(chat.tool_choice).toEqual({ type: "function", function: { name: "Read" } });
    expect(toOpenAi({ model: "m", max_tokens: 1, messages: [], tool_choice: { type: "any" } }).tool_choice).toBe("required");
  });
});

describe("exact sizing", () => {
  it("fitWords finds the exact count on a step-like token function", async () => {
    const tokens = async (n: number) => 40 + n + Math.floor(n / 7); // not one token per word
    const fit = await fitWords(tokens, 1000, 900);
    expect(fit.tokens).toBe(1000);
    expect(await tokens(fit.words)).toBe(1000);
  });
});

describe("suite definitions", () => {
  it("every registered suite has a valid suites/<kind>.yaml", () => {
    for (const kind of suiteKinds()) {
      const def = loadDefinition(suiteFor(kind));
      expect(def?.kind).toBe(kind);
      expect(def?.description.length).toBeGreaterThan(20);
    }
  });
  it("grid options override the definition key by key; bad values name the field", () => {
    const ttft = suiteFor("ttft");
    const opts = resolveOptions(ttft, { prompt_tokens: 4000 }, "grid") as { prompt_tokens: number; repetitions?: number; scenarios: string[] };
    expect(opts.prompt_tokens).toBe(4000);
    expect(opts.repetitions).toBe(3);
    expect(opts.scenarios).toEqual(["cold", "warm", "billing"]);
    expect(() => resolveOptions(ttft, { scenarios: ["hot"] }, "grid")).toThrow(/field 'options.scenarios.0'/);
  });
});
