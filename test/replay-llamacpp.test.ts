import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { monotonicClock } from "../src/client/types.ts";
import { doctorTrace } from "../src/doctor/cache-doctor.ts";
import { engineTokenizer } from "../src/doctor/engine-tokens.ts";
import { readCsv } from "../src/results/csv.ts";
import { testEngine } from "../src/setup/index.ts";
import { replaySuite } from "../src/suites/replay.ts";
import { groupSessions } from "../src/trace/sessions.ts";
import { plantedBreaksTrace } from "./helpers/planted-breaks.ts";
import { startTinyServer, type TinyServer } from "./helpers/tiny-server.ts";
import { BENCH_BIN } from "./helpers/bench-cli.ts";

const dir = mkdtempSync(join(tmpdir(), "tunelab-replay-"));
let server: TinyServer;
beforeAll(async () => {
  // One slot: the Mooncake replay's second request queues behind the first, whatever the machine's load, and
  // then finds the shared prefix in that slot.
  server = await startTinyServer(["--slot-save-path", dir, "-np", "1"]);
});
afterAll(async () => server?.stop());

const bench = (args: string[]) => execa("node", [BENCH_BIN, ...args], { reject: false });

describe("replay on the real tiny-model llama-server", () => {
  it("a grid replays a synthesized trace through direct and proxy: depth, turn and session rows with hit ratios", async () => {
    const { serverPath, modelPath } = await testEngine();
    const grid = join(dir, "replay.yaml");
    writeFileSync(grid, [
      "name: replay-e2e", "engine: llamacpp", `model: ${modelPath}`, `binary: ${serverPath}`, `served_name: tiny-replay-${process.pid}`,
      // Two slots of 8192 tokens each: four concurrent sessions share them (llama-server queues the rest).
      `args: { ctx-size: 16384, parallel: 2, threads: 2, slot-save-path: ${dir} }`, "matrix: { path: [direct, proxy] }",
      "suites:",
      "  - kind: replay",
      "    options: { synth: { turns: 2, subagents: 1, prompt_tokens: 2000, output_tokens: 8, think_median_ms: 100, rotate_cch: true }, sessions: 2, stagger_ms: 200 }",
      "launcher: { kind: local, startup_timeout_s: 60 }", "",
    ].join("\n"));
    const out = join(dir, "run");
    const r = await bench(["grid", grid, "--out", out, "--progress", "none"]);
    expect(r.exitCode, r.stderr).toBe(0);
    const rows = readCsv(join(out, "points.csv"));
    for (const path of ["direct", "proxy"]) {
      const mine = rows.filter((row) => row.path === path && row.suite === "replay");
      expect(mine.map((row) => row.scenario)).toEqual(["0-8k", "turn-1", "turn-2", "session"]);
      expect(mine.every((row) => row.status === "ok" && row.errors === "0")).toBe(true);
      const session = mine.find((row) => row.scenario === "session")!;
      expect(Number(session.sessions)).toBe(4); // 2 copies x (main + sub-agent)
      expect(Number(session.requests_sent)).toBe(2 * (2 + 1));
      expect(session.skipped_too_long).toBe("0");
      expect(Number(session.send_lag_ms_p99)).toBeGreaterThanOrEqual(0);
      expect(Number(session.session_wall_s)).toBeGreaterThan(0);
      expect(Number(session.prompt_tokens_total)).toBeGreaterThan(6 * 2000);
      expect(Number(session.hit_ratio)).toBeLessThanOrEqual(Number(session.ideal_hit_ratio) + 0.05);
      // The client's ratio (usage) and the server's (/metrics) count the same tokens.
      expect(Math.abs(Number(session.server_prefix_hit_ratio) - Number(session.hit_ratio))).toBeLessThan(0.02);
    }
    // The first copy's second turn: through the proxy it repeats the first turn (an ideal cache serves most of it,
    // and llama.cpp does); sent as Claude Code 2.1.197 sent it, a new cch= in the billing header busts it from the start.
    // (Copies replay identical bytes up to their salt, so later copies can share the first copy's prefix.)
    const pathOf = new Map(rows.map((row) => [row.point_id, row.path]));
    const secondTurn = readCsv(join(out, "requests.csv")).filter((q) => q.scenario === "session" && q.turn === "2" && /^c1\/synth-[0-9a-f]+$/.test(q.session));
    const share = (path: string, column: string) => {
      const q = secondTurn.find((x) => pathOf.get(x.point_id) === path)!;
      return Number(q[column]) / Number(q.prompt_tokens);
    };
    expect(share("proxy", "ideal_cached_tokens")).toBeGreaterThan(0.6);
    expect(share("proxy", "cached_tokens")).toBeGreaterThan(0.3);
    expect(share("direct", "ideal_cached_tokens")).toBeLessThan(0.05);
    expect(share("direct", "cached_tokens")).toBeLessThan(0.05);
    const requests = readCsv(join(out, "requests.csv")).filter((q) => q.suite === "replay" && q.scenario === "session");
    expect(requests).toHaveLength(12);
    expect(requests.every((q) => q.session && Number(q.turn) >= 1 && Number(q.start_ns) >= Number(q.scheduled_ns))).toBe(true);

    const report = join(dir, "report");
    const rep = await bench(["report", out, "--out", report]);
    expect(rep.exitCode, rep.stderr).toBe(0);
    for (const chart of ["ttft-by-depth", "hit-ratio", "session-timeline"]) {
      const spec = JSON.parse(readFileSync(join(report, `${chart}.vl.json`), "utf8"));
      expect(spec.data.values.length, chart).toBeGreaterThan(0);
      expect(readFileSync(join(report, `${chart}.svg`), "utf8")).toContain("<svg");
    }
    const hit = JSON.parse(readFileSync(join(report, "hit-ratio.vl.json"), "utf8"));
    expect(new Set(hit.data.values.map((v: { kind: string }) => v.kind))).toEqual(new Set(["ideal", "achieved"]));
  }, 400_000);

  it("a Mooncake-style trace replays with shared hash blocks hitting the cache; over-long requests are skipped and counted", async () => {
    const file = join(dir, "mooncake.jsonl");
    writeFileSync(file, [
      { timestamp: 0, input_length: 1100, output_length: 4, hash_ids: [1, 2, 3] },
      { timestamp: 500, input_length: 1500, output_length: 4, hash_ids: [1, 2, 4] },
      { timestamp: 600, input_length: 20_000, output_length: 4, hash_ids: [5] },
    ].map((l) => JSON.stringify(l)).join("\n"));
    const ctx = { target: server.target, client: {}, repetitions: 1, clock: monotonicClock(), signal: new AbortController().signal, onPhase: () => {} };
    const out = await replaySuite.run(ctx, replaySuite.options.parse({ trace: file, block_tokens: 512 }));
    const session = out.find((o) => o.scenario === "session")!;
    expect(session.extra?.skipped_too_long).toBe(1);
    const [first, second] = session.repetitions[0].records.sort((a, b) => a.startNs - b.startNs);
    expect(session.repetitions[0].records).toHaveLength(2);
    expect(first.idealCachedTokens).toBe(0);
    // Blocks 1 and 2 (1024 words, about as many tokens) are shared: ideal and achieved both see most of them.
    expect(second.idealCachedTokens).toBeGreaterThan(900);
    expect(second.cachedTokens).toBeGreaterThan(900);
  }, 200_000);

  it("the doctor counts breaks in the engine's own tokens; a change the chat template does not render costs nothing", async () => {
    const { lines, planted } = plantedBreaksTrace();
    const trace = { source: "planted", format: "lab" as const, sessions: groupSessions(lines, "planted") };
    const report = await doctorTrace(trace, "proxy", await engineTokenizer(server.baseUrl));
    expect(report.token_source).toBe("engine");
    const byIndex = (i: number) => report.rows.find((r) => r.index === i)!;
    for (const p of planted.filter((x) => x.kind !== "billing_header" && x.kind !== "content_form")) {
      const row = byIndex(p.index);
      expect(row.break?.kind).toBe(p.kind);
      expect(row.break?.path).toBe(p.path);
      if (p.kind === "thinking_dropped") {
        // Qwen2.5's template drops reasoning of earlier turns: nothing to recompute.
        expect(row.break?.reaches_engine).toBe(false);
        expect(row.recompute_tokens).toBe(0);
      } else {
        expect(row.break?.reaches_engine).toBe(true);
        expect(row.recompute_tokens).toBeGreaterThan(0);
        expect(row.shared_tokens + row.recompute_tokens).toBe(byIndex(p.index - 1).prompt_tokens);
      }
    }
    expect(byIndex(planted[0].index).break).toBeUndefined();
    expect(byIndex(planted.find((p) => p.kind === "content_form")!.index).break).toBeUndefined();
  });
});
