import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { streamChatPayload } from "../src/client/openai-chat.ts";
import { monotonicClock } from "../src/client/types.ts";
import { planReplay, type ReplaySettings } from "../src/replay/plan.ts";
import { runLanes } from "../src/replay/scheduler.ts";
import { groupSessions } from "../src/trace/sessions.ts";
import type { Trace, TraceRequest } from "../src/trace/schema.ts";
import { startScriptedUpstream, textChunks, type ScriptedUpstream } from "./helpers/scripted-upstream.ts";

let upstream: ScriptedUpstream;
beforeAll(async () => {
  upstream = await startScriptedUpstream({ script: () => ({ chunks: textChunks(["a", "b", "c"]), chunkDelayMs: 10 }) });
});
afterAll(() => upstream.close());

const body = (text: string, turns: number) => ({
  model: "claude", max_tokens: 32000, stream: true, system: [{ type: "text", text: "You are Claude Code." }],
  tools: [{ name: "Read", description: "reads", input_schema: { type: "object", properties: {} } }],
  messages: [{ role: "user", content: [{ type: "text", text }] }, ...Array.from({ length: turns }, (_, i) => [
    { role: "assistant", content: [{ type: "tool_use", id: `t${i}`, name: "Read", input: {} }] },
    { role: "user", content: [{ type: "tool_result", tool_use_id: `t${i}`, content: "x".repeat(40) }] },
  ]).flat()],
});
const lines: TraceRequest[] = [
  { session: "main", index: 0, start_ms: 0, think_ms: null, body: body("task", 0), outcome: { output_tokens: 3 } },
  { session: "main", index: 1, think_ms: 120, body: body("task", 1), outcome: { output_tokens: 3 } },
  { session: "main", index: 2, think_ms: 80, body: body("task", 2), outcome: { output_tokens: 3 } },
  { session: "main/agent-1", index: 0, parent: { session: "main", index: 0 }, think_ms: 50, body: body("subtask", 0) },
  { session: "main/agent-1", index: 1, think_ms: 60, body: body("subtask", 1) },
];
const trace: Trace = { source: "test", format: "lab", sessions: groupSessions(lines, "test") };
const settings: ReplaySettings = { copies: 1, staggerMs: 100, speed: 1, thinkTime: "keep", defaultOutputTokens: 7, salt: "run1", timeScale: 1 };
const target = { api: "openai" as const, path: "direct", model: "served" };

async function replay(s: Partial<ReplaySettings> = {}, t: Partial<typeof target & { context: number }> = {}) {
  const plan = await planReplay(trace, { ...target, ...t }, { ...settings, ...s });
  const before = upstream.requests.length;
  const clock = monotonicClock();
  const t0 = clock.now();
  const done = await runLanes(plan.lanes, clock, (payload) => streamChatPayload({ baseUrl: upstream.url }, payload, clock));
  const sent = upstream.requests.slice(before).map((r) => r.body as { messages: Array<{ role: string; content: string }>; max_tokens: number; model: string });
  return { plan, done, sent, t0, at: (lane: string, index: number) => done.find((d) => d.lane === lane && d.planned.index === index)!.record };
}

describe("replay scheduler", () => {
  it("sends each request its think time after the previous response; a sub-agent after its parent's request", async () => {
    const { done, at, sent } = await replay();
    expect(done).toHaveLength(5);
    expect(done.every((d) => d.record.ok)).toBe(true);
    const gap = (a: { endNs: number }, b: { startNs: number }) => (b.startNs - a.endNs) / 1e6;
    expect(gap(at("main", 0), at("main", 1))).toBeGreaterThanOrEqual(120);
    expect(gap(at("main", 1), at("main", 2))).toBeGreaterThanOrEqual(80);
    expect(gap(at("main", 0), at("main/agent-1", 0))).toBeGreaterThanOrEqual(50);
    expect(gap(at("main/agent-1", 0), at("main/agent-1", 1))).toBeGreaterThanOrEqual(60);
    // The sub-agent runs alongside its parent: its first request goes out before the parent's next one.
    expect(at("main/agent-1", 0).startNs).toBeLessThan(at("main", 1).startNs);
    for (const d of done) {
      expect(d.record.scheduledNs).toBeDefined();
      expect(d.record.startNs).toBeGreaterThanOrEqual(d.record.scheduledNs!);
      expect(d.record.turn).toBe(d.planned.index + 1);
      expect(d.record.session).toBe(d.lane);
    }
    // Sent as recorded, except model, max_tokens (the recorded output, else the default) and the run's salt.
    expect(sent.every((b) => b.model === "served")).toBe(true);
    expect(sent.map((b) => b.max_tokens).sort()).toEqual([3, 3, 3, 7, 7]);
    expect(sent[0].messages[0]).toEqual({ role: "system", content: "You are Claude Code." });
    expect(sent[0].messages[1].content).toBe("[replay run1-1]\ntask");
  });

  it("copies share system prompt and tools but not conversations, and start staggered", async () => {
    const { done, sent, plan } = await replay({ copies: 3, staggerMs: 100 });
    expect(plan.lanes.map((l) => l.id)).toEqual(["c1/main", "c1/main/agent-1", "c2/main", "c2/main/agent-1", "c3/main", "c3/main/agent-1"]);
    expect(done).toHaveLength(15);
    expect(new Set(sent.map((b) => b.messages[0].content)).size).toBe(1);
    expect(new Set(sent.map((b) => b.messages[1].content.split("\n")[0]))).toEqual(new Set(["[replay run1-1]", "[replay run1-2]", "[replay run1-3]"]));
    const firsts = ["c1/main", "c2/main", "c3/main"].map((lane) => done.find((d) => d.lane === lane && d.planned.index === 0)!.record.scheduledNs!);
    expect((firsts[1] - firsts[0]) / 1e6).toBeCloseTo(100, 0);
    expect((firsts[2] - firsts[0]) / 1e6).toBeCloseTo(200, 0);
    // Ideal hit: a copy's first request can reuse the shared system prompt and tools of the copy before it.
    const firstIdeal = (lane: string) => plan.lanes.find((l) => l.id === lane)!.requests[0].idealCached;
    expect(firstIdeal("c1/main")).toBe(0);
    expect(firstIdeal("c2/main")).toBeGreaterThan(0);
  });

  it("think_time none and scale, and speed", async () => {
    const none = await replay({ thinkTime: "none" });
    expect((none.at("main", 1).startNs - none.at("main", 0).endNs) / 1e6).toBeLessThan(60);
    const scaled = await replay({ thinkTime: "scale", speed: 4 });
    const gap = (scaled.at("main", 1).startNs - scaled.at("main", 0).endNs) / 1e6;
    expect(gap).toBeGreaterThanOrEqual(30);
    expect(gap).toBeLessThan(100);
  });

  it("skips requests that do not fit the target's context and counts them; the session goes on", async () => {
    const plan = await planReplay(trace, { ...target, context: 0 }, settings);
    const sizes = plan.lanes.flatMap((l) => l.requests.map((r) => r.promptTokens));
    const context = Math.max(...sizes.filter((_, i) => i !== 2)) + 1; // only main#2, the longest, does not fit
    const { done, plan: fitted } = await replay({}, { context });
    expect(fitted.skippedTooLong).toBe(1);
    expect(fitted.lanes[0].requests[2].skipped).toBe("too_long");
    expect(fitted.lanes[0].requests[2].payload).toBeUndefined();
    expect(done.map((d) => `${d.lane}#${d.planned.index}`).sort()).toEqual(["main#0", "main#1", "main/agent-1#0", "main/agent-1#1"]);
  });

  it("stops when aborted", async () => {
    const plan = await planReplay(trace, target, { ...settings, thinkTime: "keep" });
    const abort = new AbortController();
    const clock = monotonicClock();
    setTimeout(() => abort.abort(), 60);
    const t0 = Date.now();
    const done = await runLanes(plan.lanes, clock, (payload) => streamChatPayload({ baseUrl: upstream.url }, payload, clock, { signal: abort.signal }), abort.signal);
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(done.length).toBeLessThan(5);
  });
});
