import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { percentile } from "../src/metrics/percentile.ts";
import { loadTrace } from "../src/trace/load.ts";
import { estimateTokens } from "../src/trace/synth/estimate.ts";
import { synthesizeTrace } from "../src/trace/synth/synthesize.ts";
import type { MessagesRequest } from "../src/suites/workload/types.ts";

type Body = MessagesRequest;
const blocks = (body: Body, type: string): Array<{ type: string; name?: string }> =>
  body.messages.flatMap((m) => (typeof m.content === "string" ? [] : (m.content as Array<{ type: string; name?: string }>).filter((b) => b.type === type)));

describe("bench trace synth", () => {
  it("is deterministic for a seed and follows the Claude Code workload model", async () => {
    const a = await synthesizeTrace({ sessions: 2, turns: 6, subagents: 2, promptTokens: 20_000, seed: "s1", rotateCch: true });
    const b = await synthesizeTrace({ sessions: 2, turns: 6, subagents: 2, promptTokens: 20_000, seed: "s1", rotateCch: true });
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    const mains = a.sessions.filter((s) => !s.parent);
    const agents = a.sessions.filter((s) => s.parent);
    expect(mains).toHaveLength(2);
    expect(agents).toHaveLength(4);
    expect(mains.map((s) => s.startMs)).toEqual([0, 10_000]);
    for (const s of mains) {
      const bodies = s.requests.map((r) => r.body as unknown as Body);
      expect(bodies).toHaveLength(6);
      expect(Math.abs(estimateTokens(bodies[0]) - 20_000) / 20_000).toBeLessThan(0.05);
      // 3-block system with the billing header, the tool set, reminders in the first turn.
      expect((bodies[0].system as Array<{ text: string }>)[0].text).toMatch(/^x-anthropic-billing-header:/);
      expect(bodies[0].tools!.length).toBeGreaterThan(15);
      expect(JSON.stringify(bodies[0].messages[0])).toContain("<system-reminder>");
      // Each turn adds at least one tool round trip; the history is an exact prefix of the next request.
      for (let t = 1; t < bodies.length; t++) {
        expect(blocks(bodies[t], "tool_use").length).toBeGreaterThan(blocks(bodies[t - 1], "tool_use").length);
        expect(blocks(bodies[t], "tool_result")).toHaveLength(blocks(bodies[t], "tool_use").length);
        expect(JSON.stringify(bodies[t].messages).startsWith(JSON.stringify(bodies[t - 1].messages).slice(0, -1))).toBe(true);
        expect(s.requests[t].think_ms).toBeGreaterThan(0);
        // With rotateCch, the billing header carries a new cch= on every request (as Claude Code 2.1.197's did).
        const cch = (b: Body) => /cch=([0-9a-f]{5});$/.exec((b.system as Array<{ text: string }>)[0].text)?.[1];
        expect(cch(bodies[t])).toBeDefined();
        expect(cch(bodies[t])).not.toBe(cch(bodies[t - 1]));
      }
      // The Agent (Task) calls that launch the sub-agents are in the parent's history.
      const spawned = agents.filter((g) => g.parent!.session === s.id);
      expect(spawned).toHaveLength(2);
      expect(spawned[0].parent!.index).toBe(2);
      expect(blocks(bodies[3], "tool_use").filter((u) => u.name === "Task")).toHaveLength(2);
      for (const g of spawned) {
        const first = g.requests[0].body as unknown as Body;
        expect((first.system as Array<{ text: string }>)[1].text).toMatch(/agent for Claude Code/);
        expect(first.tools!.map((t) => t.name)).not.toContain("Task");
        expect(g.requests[0].think_ms).toBeGreaterThanOrEqual(100);
        expect(g.requests[0].think_ms).toBeLessThanOrEqual(500);
      }
    }
  });

  it("draws think times from the documented log-normal (median 2 s, clipped to 0.1-120 s)", async () => {
    const trace = await synthesizeTrace({ sessions: 30, turns: 40, promptTokens: 3000, seed: "think" });
    const thinks = trace.sessions.flatMap((s) => s.requests.slice(1).map((r) => r.think_ms!));
    expect(thinks).toHaveLength(30 * 39);
    expect(percentile(thinks, 50)! / 2000).toBeGreaterThan(0.85);
    expect(percentile(thinks, 50)! / 2000).toBeLessThan(1.15);
    // sigma 1.2: p90 / median = e^(1.2 * 1.2816) = 4.66
    expect(percentile(thinks, 90)! / percentile(thinks, 50)!).toBeGreaterThan(3.8);
    expect(percentile(thinks, 90)! / percentile(thinks, 50)!).toBeLessThan(5.6);
    expect(Math.min(...thinks)).toBeGreaterThanOrEqual(100);
    expect(Math.max(...thinks)).toBeLessThanOrEqual(120_000);
  });

  it("the CLI writes a trace the loader reads back", async () => {
    const out = join(mkdtempSync(join(tmpdir(), "tunelab-synth-")), "t.jsonl");
    const run = await execa("npx", ["bench", "trace", "synth", "--sessions", "2", "--turns", "3", "--subagents", "1", "--prompt-tokens", "4000", "--out", out]);
    expect(run.stdout).toContain("4 sessions, 10 requests");
    const trace = loadTrace(out);
    expect(trace.sessions.map((s) => s.requests.length).sort()).toEqual([2, 2, 3, 3]);
    const billing = trace.sessions[0].requests.map((r) => (r.body.system as Array<{ text: string }>)[0].text);
    expect(new Set(billing).size).toBe(1);
    expect(billing[0]).not.toContain("cch=");
    const bad = await execa("npx", ["bench", "trace", "synth", "--turns", "0", "--out", out], { reject: false });
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toMatch(/--turns 0: expected a whole number >= 1/);
  });
});
