import { mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { doctorTrace } from "../src/doctor/cache-doctor.ts";
import { readCsv } from "../src/results/csv.ts";
import { testEngine } from "../src/setup/index.ts";
import { loadTrace } from "../src/trace/load.ts";
import type { Trace } from "../src/trace/schema.ts";
import { pinnedClaudeCode } from "./helpers/claude-code.ts";
import { agentLoop } from "./helpers/claude-scenarios.ts";
import { labProxyRow, type CompatRow } from "./helpers/compat-rows.ts";
import { BENCH_BIN } from "./helpers/bench-cli.ts";

// The real Claude Code CLI (pinned devDependency) runs the 3b agent loop against a scripted OpenAI engine while
// the lab's proxy records it; the recording then replays in a grid on the tiny llama-server.
const claude = pinnedClaudeCode();
const dir = mkdtempSync(join(tmpdir(), "tunelab-cc-replay-"));

/** The main conversation: the lane whose requests carry tools (Claude Code's agent loop). */
function mainLane(trace: Trace) {
  return trace.sessions.find((s) => s.requests.every((r) => Array.isArray(r.body.tools) && r.body.tools.length > 0))!;
}

function checkRecording(file: string): Trace {
  expect(statSync(file).mode & 0o777).toBe(0o600);
  const trace = loadTrace(file);
  const main = mainLane(trace);
  expect(main.requests.map((r) => r.index)).toEqual([0, 1, 2]);
  expect(main.id).toMatch(/^[0-9a-f-]{36}$/); // Claude Code's X-Claude-Code-Session-Id
  expect(main.requests[0].think_ms).toBeNull();
  for (const r of main.requests.slice(1)) expect(r.think_ms).toBeGreaterThan(0); // Claude Code ran Read in between
  expect(main.requests.map((r) => r.outcome?.stop_reason)).toEqual(["tool_use", "tool_use", "end_turn"]);
  for (const r of main.requests) {
    expect(r.outcome).toMatchObject({ status: 200 });
    expect(r.outcome!.output_tokens).toBeGreaterThan(0);
    expect(r.engine_sha256).toMatch(/^[0-9a-f]{64}$/);
    // As received: Claude Code's own fields are all there.
    expect(Object.keys(r.body)).toEqual(expect.arrayContaining(["system", "tools", "metadata", "max_tokens", "stream"]));
  }
  expect(readFileSync(file, "utf8")).not.toMatch(/"(x-api-key|authorization)"/i);
  return trace;
}

describe(`a Claude Code ${claude.version} session, recorded and replayed`, () => {
  it("is recorded by bench proxy --record and by bench claude --exec --record", { timeout: 600_000 }, async () => {
    const viaProxy = join(dir, "proxy.jsonl");
    const a = await agentLoop(labProxyRow(["--record", viaProxy]), { claude, timeoutMs: 240_000 });
    expect(a.problems, a.frontLog).toEqual([]);
    expect(a.frontLog).toContain(`recording every request's prompt and file contents to ${viaProxy} (mode 0600)`);
    checkRecording(viaProxy);

    // bench claude --exec --record starts the recording proxy itself, in front of --upstream.
    const viaClaude = join(dir, "claude.jsonl");
    const benchArgs: string[] = [];
    const selfRecording: CompatRow = {
      name: "bench claude --exec --record",
      async start(upstream) {
        benchArgs.push("--record", viaClaude, "--upstream", upstream.url);
        return { baseUrl: "http://127.0.0.1:9", log: () => "", stop: async () => {} }; // --record replaces this URL
      },
    };
    const b = await agentLoop(selfRecording, { claude, benchArgs, timeoutMs: 240_000 });
    expect(b.problems, b.run?.stderr).toEqual([]);
    expect(b.run!.stderr).toContain("recording every request's prompt and file contents");
    checkRecording(viaClaude);
  });

  it("replays in a grid on the tiny llama-server: depth-bucket rows and hit ratios in points.csv", { timeout: 900_000 }, async () => {
    const trace = join(dir, "proxy.jsonl");
    const recorded = loadTrace(trace);
    const total = recorded.sessions.reduce((n, s) => n + s.requests.length, 0);
    // Through the proxy nothing breaks the prefix between the turns (the doctor, in the proxy's view).
    const doctor = await doctorTrace(recorded, "proxy");
    expect(doctor.rows.filter((r) => r.session === mainLane(recorded).id && r.break)).toEqual([]);

    const { serverPath, modelPath } = await testEngine();
    const grid = join(dir, "replay.yaml");
    writeFileSync(grid, [
      "name: cc-replay", "engine: llamacpp", `model: ${modelPath}`, `binary: ${serverPath}`, `served_name: tiny-cc-${process.pid}`,
      "args: { ctx-size: 32768, parallel: 1, threads: 2 }", "path: proxy",
      `suites: [{ kind: replay, options: { trace: ${trace}, think_time: keep } }]`,
      "launcher: { kind: local, startup_timeout_s: 60 }", "",
    ].join("\n"));
    const out = join(dir, "run");
    const r = await execa("node", [BENCH_BIN, "grid", grid, "--out", out, "--progress", "none"], { reject: false });
    expect(r.exitCode, r.stderr).toBe(0);
    const rows = readCsv(join(out, "points.csv")).filter((row) => row.suite === "replay");
    expect(rows.every((row) => row.status === "ok" && row.errors === "0")).toBe(true);
    const depth = rows.filter((row) => ["0-8k", "8-32k", "32-64k", "64k+"].includes(row.scenario));
    expect(depth.length).toBeGreaterThan(0);
    expect(depth.reduce((n, row) => n + Number(row.requests_sent), 0)).toBe(total);
    const session = rows.find((row) => row.scenario === "session")!;
    expect(Number(session.requests_sent)).toBe(total);
    expect(session.skipped_too_long).toBe("0");
    for (const row of [...depth, session]) {
      expect(Number(row.hit_ratio)).toBeGreaterThanOrEqual(0);
      expect(Number(row.ideal_hit_ratio)).toBeGreaterThan(0);
    }
    // Turns 2 and 3 repeat turn 1's ~12k-token prompt: most of it is served from llama.cpp's cache.
    const later = rows.filter((row) => row.scenario === "turn-2" || row.scenario === "turn-3");
    expect(later).toHaveLength(2);
    for (const row of later) {
      expect(Number(row.ideal_hit_ratio)).toBeGreaterThan(0.9);
      expect(Number(row.hit_ratio)).toBeGreaterThan(0.8);
    }
  });
});
