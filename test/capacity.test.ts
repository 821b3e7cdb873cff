import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { execa } from "execa";
import { BENCH_BIN } from "./helpers/bench-cli.ts";
import { describe, expect, it } from "vitest";
import { readCsv } from "../src/results/csv.ts";
import { startSimServer } from "../src/sim/index.ts";

const GLM = ["QuantTrio/GLM-4.7-Flash-AWQ", "--served-model-name", "glm", "-tp", "2", "--max-model-len", "65536", "--tool-call-parser", "glm47",
  "--enable-auto-tool-choice", "--host", "127.0.0.1", "--port", "0", "--time-scale", "1000"];

describe("capacity suite", () => {
  it("bench run --suite capacity: the curve per probed N, then capacity_sessions with its interval", async () => {
    const out = new PassThrough().resume();
    const server = await startSimServer({ argv: GLM, env: { VLLM_CACHE_ROOT: mkdtempSync(join(tmpdir(), "cap-cache-")) }, stdout: out, stderr: out });
    try {
      const dir = join(mkdtempSync(join(tmpdir(), "tunelab-capacity-")), "run");
      const r = await execa("node", [BENCH_BIN, "run", "--url", server.url, "--suite", "capacity", "--out", dir, "--progress", "none"], { reject: false });
      expect(r.exitCode, r.stderr).toBe(0);
      const rows = readCsv(join(dir, "points.csv"));
      const probes = rows.filter((row) => /^n\d+$/.test(String(row.scenario)));
      const capacity = rows.find((row) => row.scenario === "capacity")!;
      const n = Number(capacity.capacity_sessions);
      expect(n).toBeGreaterThanOrEqual(2);
      expect(Number(capacity.capacity_sessions_ci_low)).toBeLessThanOrEqual(n);
      expect(Number(capacity.capacity_sessions_ci_high)).toBeGreaterThanOrEqual(n);
      // probed 1, 2, 4, ... up to the first failure, then bisected: every N up to the capacity passed, the next failed
      const probed = probes.map((row) => Number(row.scenario_concurrency)).sort((a, b) => a - b);
      expect(probed.slice(0, 3)).toEqual([1, 2, 4]);
      for (const row of probes) expect(row.slo_met).toBe(String(Number(row.scenario_concurrency) <= n));
      expect(probed).toContain(n + 1);
      const at = probes.find((row) => Number(row.scenario_concurrency) === n)!;
      expect(Number(at.ttft_ms_p95)).toBeLessThanOrEqual(5000);
      expect(Number(at.tpot_ms_p95)).toBeLessThanOrEqual(100);
      const over = probes.find((row) => Number(row.scenario_concurrency) === n + 1)!;
      expect(Number(over.ttft_ms_p95) > 5000 || Number(over.tpot_ms_p95) > 100 || over.oversaturated === "true").toBe(true);
      // sessions grow turn by turn: the context of later turns is longer than the first request
      expect(Number(at.prompt_tokens_mean)).toBeGreaterThan(25000);
      expect(Number(capacity.scenario_concurrency)).toBe(0);
      // decide_early (the tuner's screens): the same capacity, a failing probe stopped once its verdict is certain
      const early = join(mkdtempSync(join(tmpdir(), "tunelab-capacity-early-")), "run");
      const e = await execa("node", [BENCH_BIN, "run", "--url", server.url, "--suite", "capacity", "--set", "capacity.decide_early=true", "--out", early, "--progress", "none"], { reject: false });
      expect(e.exitCode, e.stderr).toBe(0);
      const rowsEarly = readCsv(join(early, "points.csv"));
      expect(rowsEarly.find((row) => row.scenario === "capacity")!.capacity_sessions).toBe(capacity.capacity_sessions);
      const sent = (rs: typeof rows, at: number) => Number(rs.find((row) => row.scenario === `n${at}`)!.requests_sent);
      const top = Math.max(...probed); // the first doubling that failed: far over the SLO
      expect(sent(rowsEarly, top)).toBeLessThan(sent(rows, top));
      expect(rowsEarly.find((row) => row.scenario === `n${top}`)!.slo_met).toBe("false");
    } finally {
      await server.close();
    }
  }, 600_000);

  it("capacity from a replay trace: the recorded sessions are the users, with their own sizes and think times", async () => {
    const out = new PassThrough().resume();
    const server = await startSimServer({ argv: GLM, env: { VLLM_CACHE_ROOT: mkdtempSync(join(tmpdir(), "cap-cache-")) }, stdout: out, stderr: out });
    try {
      const dir = mkdtempSync(join(tmpdir(), "tunelab-capacity-trace-"));
      const trace = join(dir, "trace.jsonl");
      const synth = await execa("node", [BENCH_BIN, "trace", "synth", "--out", trace, "--sessions", "3", "--turns", "3", "--subagents", "0",
        "--prompt-tokens", "12000", "--output-tokens", "60", "--think-median-ms", "2000", "--model", "glm"], { reject: false });
      expect(synth.exitCode, synth.stderr).toBe(0);
      const recorded = readFileSync(trace, "utf8").trim().split("\n").map((l) => JSON.parse(l) as { outcome?: { output_tokens?: number } });
      const r = await execa("node", [BENCH_BIN, "run", "--url", server.url, "--suite", "capacity", "--set", `capacity.trace=${trace}`,
        "--out", join(dir, "run"), "--progress", "none"], { reject: false });
      expect(r.exitCode, r.stderr).toBe(0);
      const rows = readCsv(join(dir, "run", "points.csv"));
      const probes = rows.filter((row) => /^n\d+$/.test(String(row.scenario)));
      const n = Number(rows.find((row) => row.scenario === "capacity")!.capacity_sessions);
      expect(n).toBeGreaterThanOrEqual(2);
      const at = probes.find((row) => Number(row.scenario_concurrency) === n)!;
      // every user ran its recorded session to the end: 3 requests each
      expect(Number(at.requests_sent)).toBe(3 * n);
      // the trace's sizes, not the synthetic sessions' defaults (25000-token first requests, 200-token answers)
      expect(Number(at.prompt_tokens_mean)).toBeGreaterThan(10000);
      expect(Number(at.prompt_tokens_mean)).toBeLessThan(20000);
      const outputs = recorded.map((q) => q.outcome?.output_tokens).filter((v): v is number => v !== undefined);
      if (outputs.length) expect(Number(at.output_tokens_mean)).toBeLessThan(Math.max(...outputs) + 1);
      else expect(Number(at.output_tokens_mean)).toBeLessThan(200);
    } finally {
      await server.close();
    }
  }, 600_000);
});
