import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pinnedClaudeCode } from "./helpers/claude-code.ts";
import { agentLoop, maxTokensRoundTrip, type ScenarioOutcome } from "./helpers/claude-scenarios.ts";
import { sidecarRow } from "./helpers/compat-rows.ts";
import { startTinyServer, type TinyServer } from "./helpers/tiny-server.ts";

// The README's compatibility rows for LiteLLM and claude-code-router: the real Claude Code CLI (pinned) through
// the real proxies, started as the lab's sidecars. Each test pins down what that pairing does today, passes and
// breakages alike; when a release changes it, the test fails and the table must be measured again
// (`npm run compat:claude -- --pinned`).
const claude = pinnedClaudeCode();
const MAX_OUTPUT = 16;

let engine: TinyServer;
beforeAll(async () => {
  engine = await startTinyServer(["-c", "32768", "-np", "1"]);
});
afterAll(() => engine?.stop());

const explain = (outcome: ScenarioOutcome) => `${outcome.problems.join("\n")}\n--- front log ---\n${(outcome.frontLog ?? "").slice(-3000)}`;
const OUT_OF_ORDER = "tool messages not in the calls' order";
/** The kinds of problem 3b found, without turn numbers, byte offsets and message contents. */
const problemKinds = (outcome: ScenarioOutcome) => [...new Set(outcome.problems.map((p) => p
  .replace(/^turn \d+: /, "")
  .replace(/ at offset \d+:.*/s, "")
  .replace(/^tool message \d+ after the calls is .*/s, OUT_OF_ORDER)))].sort();

describe.each([
  {
    kind: "litellm" as const,
    // LiteLLM forwards Claude Code's system blocks as they are: the billing header's rotating cch= reaches the engine
    problems: ["the billing header reached the engine"],
    // tool results go on in Claude Code's order, the order its parallel Reads finished in (seen both ways)
    sometimes: [OUT_OF_ORDER],
  },
  {
    kind: "ccr" as const,
    // claude-code-router drops the engine's reasoning, forwards the billing header, and re-serializes earlier turns
    problems: ["the billing header reached the engine", "the engine's reasoning did not reach Claude Code as a thinking block", "turn 3 changed turn 2's bytes"],
    // it also passes the tool results on in the order Claude Code lists them, which is the order its two parallel
    // Reads finished in: out of the calls' order on some runs and not others (the lab's proxy restores the order)
    sometimes: [OUT_OF_ORDER],
  },
])(`Claude Code ${claude.version} through $kind`, ({ kind, problems, sometimes = [] }) => {
  it("3a: a prompt round trip to the tiny llama-server ends at Claude Code's output token maximum", { timeout: 720_000 }, async () => {
    const outcome = await maxTokensRoundTrip(sidecarRow(kind), engine.baseUrl, MAX_OUTPUT, { claude, timeoutMs: 600_000 });
    expect(outcome.problems, explain(outcome)).toEqual([]);
    expect(outcome.status).toBe("pass");
    expect(outcome.run!.exitCode).toBe(1);
    expect(outcome.run!.result!.result).toContain(`response exceeded the ${MAX_OUTPUT} output token maximum`);
  });

  it("3b: the agent loop completes, with what the proxy breaks on the way", { timeout: 420_000 }, async () => {
    const outcome = await agentLoop(sidecarRow(kind), { claude, timeoutMs: 240_000 });
    expect(outcome.run!.exitCode, explain(outcome)).toBe(0);
    expect(outcome.run!.result).toMatchObject({ subtype: "success", is_error: false, result: "Code word PAPAYA-42, then MANGO-7 and KIWI-9." });
    expect(outcome.turns).toHaveLength(3);
    expect(problemKinds(outcome).filter((k) => !sometimes.includes(k)), explain(outcome)).toEqual(problems);
    expect(outcome.status).toBe("fail");
  });
});
