import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startProxy, type RunningProxy } from "../src/proxy/index.ts";
import { loadTrace } from "../src/trace/load.ts";
import { chunk, startScriptedUpstream, usageChunk, type ScriptedUpstream } from "./helpers/scripted-upstream.ts";

const KEY = "sk-test-record-0123456789";
const dir = mkdtempSync(join(tmpdir(), "tunelab-record-"));
const file = join(dir, "session.jsonl");
let upstream: ScriptedUpstream;
let proxy: RunningProxy;
const notices: string[] = [];

const system = (head: string) => [
  { type: "text", text: "x-anthropic-billing-header: cc_version=2.1.197; cc_entrypoint=cli; cch=0a1b2;" },
  { type: "text", text: head, cache_control: { type: "ephemeral" } },
];
const main = (turns: number) => ({
  model: "claude-sonnet-4-5", max_tokens: 64, stream: true, system: system("You are Claude Code, Anthropic's official CLI for Claude."),
  context_management: { edits: [] },
  messages: [{ role: "user", content: [{ type: "text", text: "<system-reminder>\nnow\n</system-reminder>" }, { type: "text", text: "fix the bug" }] },
    ...Array.from({ length: turns }, (_, i) => [
      { role: "assistant", content: [{ type: "tool_use", id: `toolu_${i}`, name: "Read", input: { file_path: "/a.ts" } }] },
      { role: "user", content: [{ type: "tool_result", tool_use_id: `toolu_${i}`, content: "const a = 1;" }] },
    ]).flat()],
});
const agent = { ...main(0), system: system("You are an agent for Claude Code."), messages: [{ role: "user", content: "find the callers of f" }] };

async function send(body: object, headers: Record<string, string>) {
  const res = await fetch(`${proxy.url}/v1/messages?beta=true`, { method: "POST", headers: { "content-type": "application/json", "x-api-key": KEY, ...headers }, body: JSON.stringify(body) });
  expect(res.status).toBe(200);
  await res.text();
}

beforeAll(async () => {
  upstream = await startScriptedUpstream({
    script: () => ({ chunks: [chunk({ role: "assistant", content: "" }), chunk({ content: "ok" }), chunk({}, "stop"), usageChunk(120, 1, 100)], chunkDelayMs: 5 }),
  });
  proxy = await startProxy({ upstream: upstream.url, port: 0, apiKey: KEY, record: file, notice: (l) => notices.push(l) });
  const session = { "x-claude-code-session-id": "sess-main" };
  await send(main(0), session);
  await new Promise((r) => setTimeout(r, 60));
  await send(main(1), session);
  await send(agent, session);
  await new Promise((r) => setTimeout(r, 30));
  await send(main(2), session);
  // No header: the session id comes from metadata.user_id.
  await send({ ...main(0), metadata: { user_id: JSON.stringify({ device_id: "d", session_id: "from-metadata" }) } }, {});
});

afterAll(async () => {
  await proxy?.close();
  await upstream?.close();
});

describe("bench proxy --record", () => {
  it("warns that prompts are recorded and keeps the file private (0600)", () => {
    expect(notices.filter((n) => n.includes("recording")).join()).toMatch(/recording every request's prompt and file contents to .*session\.jsonl \(mode 0600\)/);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it("writes one line per request: session and index, timing, body as received, engine hash, outcome", () => {
    const lines = readFileSync(file, "utf8").trim().split("\n").map((l) => JSON.parse(l));
    expect(lines).toHaveLength(5);
    const by = (session: string, index: number) => lines.find((l) => l.session === session && l.index === index);
    expect(lines.map((l) => `${l.session}#${l.index}`).sort()).toEqual(["from-metadata#0", "sess-main#0", "sess-main#1", "sess-main#2", "sess-main/agent-1#0"]);
    const first = by("sess-main", 0);
    expect(first.body).toEqual(main(0)); // as received: unknown fields and cache_control kept
    expect(first.think_ms).toBeNull();
    expect(by("sess-main", 1).think_ms).toBeGreaterThanOrEqual(55);
    expect(by("sess-main", 1).start_ms).toBeGreaterThan(first.start_ms);
    expect(by("sess-main/agent-1", 0).parent).toEqual({ session: "sess-main", index: 1 });
    const chats = upstream.requests.filter((r) => r.path === "/v1/chat/completions");
    expect(lines.map((l) => l.engine_sha256).sort()).toEqual(chats.map((c) => createHash("sha256").update(c.text).digest("hex")).sort());
    for (const l of lines) {
      expect(l.outcome).toMatchObject({ input_tokens: 20, cached_tokens: 100, output_tokens: 1, stop_reason: "end_turn", status: 200 });
      expect(l.outcome.ttft_ms).toBeGreaterThan(0);
      expect(l.outcome.duration_ms).toBeGreaterThanOrEqual(l.outcome.ttft_ms);
      expect(Date.parse(l.ts)).toBeGreaterThan(Date.parse("2020-01-01"));
    }
  });

  it("never writes auth headers or environment values, and the file loads as a trace", () => {
    const text = readFileSync(file, "utf8");
    expect(text).not.toContain(KEY);
    expect(text).not.toContain(process.env.HOME ?? "/root");
    const trace = loadTrace(file);
    expect(trace.sessions.find((s) => s.id === "sess-main")!.requests.map((r) => r.index)).toEqual([0, 1, 2]);
  });
});
