import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pinnedClaudeCode } from "./helpers/claude-code.ts";
import { agentLoop, maxTokensRoundTrip, type ScenarioOutcome } from "./helpers/claude-scenarios.ts";
import { labProxyRow } from "./helpers/compat-rows.ts";
import { startTinyServer, type TinyServer } from "./helpers/tiny-server.ts";

// The real Claude Code CLI (the pinned devDependency), headless, started through `bench claude --exec`, talking
// to `bench proxy`. `npm run compat:claude` runs the same scenarios against the newest release on the registry.
const claude = pinnedClaudeCode();
const MAX_OUTPUT = 16;

let engine: TinyServer;
beforeAll(async () => {
  // One slot with the whole window: Claude Code's first prompt alone is ~12k tokens.
  engine = await startTinyServer(["-c", "32768", "-np", "1"]);
});
afterAll(() => engine?.stop());

const explain = (outcome: ScenarioOutcome) => `${outcome.problems.join("\n")}\n--- proxy log ---\n${outcome.frontLog ?? ""}`;

describe(`Claude Code ${claude.version} through bench proxy`, () => {
  it("3a: a prompt round trip to the tiny llama-server ends at Claude Code's output token maximum", { timeout: 420_000 }, async () => {
    const outcome = await maxTokensRoundTrip(labProxyRow(), engine.baseUrl, MAX_OUTPUT, { claude, timeoutMs: 360_000 });
    expect(outcome.problems, explain(outcome)).toEqual([]);
    expect(outcome.run!.result!.result).toContain(`response exceeded the ${MAX_OUTPUT} output token maximum`);
    expect(outcome.run!.exitCode).toBe(1);
    // Every request Claude Code made was answered with a 200 stream.
    const requests = outcome.frontLog!.match(/POST \/v1\/messages \d+/g) ?? [];
    expect(requests.length).toBeGreaterThan(0);
    expect(requests.every((line) => line.endsWith(" 200"))).toBe(true);
  });

  it("3b: a real agent loop against a scripted engine: Read, two parallel Reads, then reasoning and an answer", { timeout: 240_000 }, async () => {
    const outcome = await agentLoop(labProxyRow(), { claude, timeoutMs: 180_000 });
    expect(outcome.problems, explain(outcome)).toEqual([]);
    expect(outcome.run!.exitCode).toBe(0);
    expect(outcome.run!.result).toMatchObject({ subtype: "success", is_error: false, result: "Code word PAPAYA-42, then MANGO-7 and KIWI-9." });
    const [first, second, third] = outcome.turns!.map((t) => t.request.body!);
    // Claude Code's mid-conversation system message reached the engine in place (the scripted engine takes it).
    const roles = (body: Record<string, unknown>) => (body.messages as { role: string }[]).map((m) => m.role);
    expect(roles(first).slice(1).includes("system")).toBe(true);
    expect(roles(second).slice(-2)).toEqual(["assistant", "tool"]);
    expect(roles(third).slice(-3)).toEqual(["assistant", "tool", "tool"]);
    expect(first.tools).toEqual(third.tools);
    expect(outcome.frontLog).toContain("mid-conversation system messages: they are sent in place");
  });
});
