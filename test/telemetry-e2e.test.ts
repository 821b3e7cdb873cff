import { existsSync, mkdtempSync, readFileSync, readlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { execa } from "execa";
import { beforeAll, describe, expect, it } from "vitest";
import { readCsv } from "../src/results/csv.ts";
import { writeReport } from "../src/report/write-report.ts";
import { testEngine } from "../src/setup/index.ts";
import { processesMatching } from "./helpers/engine-procs.ts";

/**
 * Telemetry through `bench grid` on the real tiny llama-server: the /proc sampler for real, and the nvidia
 * path with a stand-in nvidia-smi on PATH (test/fixtures/fake-gpu) whose scripted series is checked by hand.
 */
const dir = mkdtempSync(join(tmpdir(), "tunelab-telemetry-"));
const FAKE_GPU = resolve("test/fixtures/fake-gpu");
let serverPath = "";
let modelPath = "";

const MEASURED = "{ requests: 3, prompt_tokens: 32, output_tokens: 12, warmup: 1, concurrency: 2 }";
/** For tests about faults, not numbers: one short request per point. */
const LIGHT = "{ requests: 1, prompt_tokens: 16, output_tokens: 4, warmup: 0, repetitions: 1 }";

function gridFile(name: string, telemetry: string, matrix = "{ parallel: [2] }", options = MEASURED): string {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, [
    `name: ${name}`, "engine: llamacpp", `model: ${modelPath}`, `binary: ${serverPath}`, `served_name: tiny-${name}-${process.pid}`,
    "args: { ctx-size: 2048, threads: 2 }", `matrix: ${matrix}`,
    `suites: [{ kind: chat, options: ${options} }]`,
    "repetitions: 2", `telemetry: ${telemetry}`, "launcher: { kind: local, startup_timeout_s: 120 }", "",
  ].join("\n"));
  return file;
}

async function grid(name: string, telemetry: string, env: Record<string, string> = {}, matrix?: string, options?: string) {
  const out = join(dir, name);
  const r = await execa("node", ["bin/bench.mjs", "grid", gridFile(name, telemetry, matrix, options), "--out", out, "--progress", "plain"], { env, reject: false });
  expect(r.exitCode, r.stderr).toBe(0);
  const rows = readCsv(join(out, "points.csv"));
  for (const row of rows) expect(row.status, row.failure_detail).toBe("ok");
  return { out, rows, stderr: r.stderr, warnings: r.stderr.split("\n").filter((l) => l.startsWith("warning: telemetry")) };
}

/** Measured windows per repetition, from requests.csv (same clock as telemetry.csv): first start to last end. */
function windowsOf(out: string) {
  const byRep = new Map<string, { start: number; end: number; tokens: number }>();
  for (const q of readCsv(join(out, "requests.csv"))) {
    const w = byRep.get(q.repetition) ?? { start: Infinity, end: -Infinity, tokens: 0 };
    byRep.set(q.repetition, { start: Math.min(w.start, Number(q.start_ns)), end: Math.max(w.end, Number(q.end_ns)), tokens: w.tokens + Number(q.output_tokens) });
  }
  return [...byRep.values()];
}

const close = (actual: string, expected: number, rel = 1e-6) => expect(Math.abs(Number(actual) - expected)).toBeLessThanOrEqual(Math.abs(expected) * rel);
/** Sampler agents still writing into this run's telemetry folder (other runs on the machine are not ours). */
function agentsOf(out: string): number[] {
  return processesMatching("tunelab-telemetry").filter((pid) => {
    try {
      return readlinkSync(`/proc/${pid}/fd/1`).startsWith(join(out, "telemetry"));
    } catch {
      return false;
    }
  });
}

beforeAll(async () => {
  ({ serverPath, modelPath } = await testEngine());
});

describe("telemetry in bench grid", () => {
  it("/proc sampler on the tiny llama-server: engine CPU and RSS per scenario, telemetry.csv tagged, CPU charts", async () => {
    // sized so that each repetition's window holds samples even on a fast machine (a window shorter than the
    // interval has none inside it: CI's runner finished 3 x 12 tokens between two 250 ms samples)
    const { out, rows, warnings } = await grid("proc", "{ kind: proc, interval_ms: 50 }", {}, undefined, "{ requests: 4, prompt_tokens: 32, output_tokens: 48, warmup: 1, concurrency: 2 }");
    expect(warnings).toEqual([]);
    expect(rows).toHaveLength(1);
    const row = rows[0];
    const windows = windowsOf(out);
    const seconds = windows.reduce((s, w) => s + (w.end - w.start) / 1e9, 0);
    const cpu = Number(row.engine_cpu_s);
    expect(cpu).toBeGreaterThan(0);
    expect(cpu).toBeLessThanOrEqual(seconds * 2 * 1.05 + 0.1); // 2 threads at most, plus one sample's slack
    const rss = Number(row.engine_rss_gib_max);
    expect(rss).toBeGreaterThan(5 / 1024); // llama-server with the model mapped: tens of MiB
    expect(rss).toBeLessThan(2);
    close(row.tokens_per_cpu_s, windows.reduce((n, w) => n + w.tokens, 0) / cpu);
    for (const c of ["gpu_mem_used_gib_max", "energy_j", "tokens_per_joule", "gpu_mem_headroom_gib"]) expect(row[c], c).toBe("");

    const samples = readCsv(join(out, "telemetry.csv"));
    expect(samples.every((s) => s.kind === "proc" && s.point_id === row.point_id && s.server_id === row.server_id)).toBe(true);
    const tagged = samples.filter((s) => s.suite === "chat");
    expect(new Set(tagged.map((s) => s.repetition))).toEqual(new Set(["0", "1"]));
    for (const s of tagged) {
      const w = windows[Number(s.repetition)];
      expect(Number(s.t_ns)).toBeGreaterThanOrEqual(w.start);
      expect(Number(s.t_ns)).toBeLessThanOrEqual(w.end);
    }
    // the peak RSS is the largest tagged sample; CPU time grows monotonically
    close(row.engine_rss_gib_max, Math.max(...tagged.map((s) => Number(s.engine_rss_gib))));
    const cum = samples.map((s) => Number(s.engine_cpu_s));
    expect([...cum].sort((a, b) => a - b)).toEqual(cum);
    expect(samples.every((s) => Number(s.processes) >= 1)).toBe(true);
    expect(agentsOf(out)).toEqual([]);

    const report = await writeReport(out, join(dir, "proc-report"));
    const memory = JSON.parse(readFileSync(join(report.outDir, "memory.vl.json"), "utf8"));
    expect(memory.title).toBe("Engine memory (peak RSS) by configuration");
    const efficiency = JSON.parse(readFileSync(join(report.outDir, "efficiency.vl.json"), "utf8"));
    expect(efficiency.title).toMatch(/^Tokens per CPU second vs throughput: Pareto front/);
    expect(efficiency.data.values[0]).toMatchObject({ status: "winner" });
  });

  it("stand-in nvidia-smi: GPU columns per scenario and per engine start, checked by hand against the scripted series", async () => {
    const { out, rows, warnings } = await grid("gpu", "{ kind: auto, interval_ms: 50 }", { PATH: `${FAKE_GPU}:${process.env.PATH}` });
    expect(warnings).toEqual([]);
    const row = rows[0];
    const samples = readCsv(join(out, "telemetry.csv"));
    expect(samples.every((s) => s.kind === "nvidia")).toBe(true);
    expect(new Set(samples.map((s) => s.gpu))).toEqual(new Set(["0", "1"]));
    const tagged = samples.filter((s) => s.suite === "chat" && s.scenario === row.scenario);
    expect(tagged.length).toBeGreaterThanOrEqual(4);

    // scripted: GPU 0 at 20000 of 24564 MiB, 80 %, 100.5 W, 60 °C; GPU 1 cycles 10000/12000/11000 MiB,
    // 30/50/40 %, 66/67/65 °C at 49.5 W. Total power is 150 W at every sample, so energy = 150 W x window time.
    const windows = windowsOf(out);
    const seconds = windows.reduce((s, w) => s + (w.end - w.start) / 1e9, 0);
    const tokens = windows.reduce((n, w) => n + w.tokens, 0);
    close(row.power_w_mean, 150);
    close(row.energy_j, 150 * seconds);
    close(row.tokens_per_joule, tokens / (150 * seconds));
    close(row.gpu_mem_used_gib_max, 20000 / 1024);
    close(row.gpu_mem_headroom_gib, (24564 - 20000) / 1024);
    close(row.gpu_util_mean, tagged.reduce((s, t) => s + Number(t.gpu_util_pct), 0) / tagged.length);
    expect(Number(row.temp_c_max)).toBe(Math.max(...tagged.map((t) => Number(t.temp_c))));
    expect(row.engine_cpu_s).toBe("");

    const report = await writeReport(out, join(dir, "gpu-report"));
    const memory = JSON.parse(readFileSync(join(report.outDir, "memory.vl.json"), "utf8"));
    expect(memory.title).toBe("GPU memory headroom by configuration");
    close(String(memory.data.values[0].gib), (24564 - 20000) / 1024);
    const efficiency = JSON.parse(readFileSync(join(report.outDir, "efficiency.vl.json"), "utf8"));
    expect(efficiency.title).toMatch(/^Tokens per joule vs throughput/);
    expect(agentsOf(out)).toEqual([]);
  });

  it("a failing nvidia-smi is one warning line per run (two engine starts), empty columns, never a failed point", async () => {
    const env = { PATH: `${FAKE_GPU}:${process.env.PATH}`, FAKE_NVIDIA_SMI: "fail" };
    const { out, rows, warnings } = await grid("gpu-fail", "nvidia", env, "{ parallel: [1, 2] }", LIGHT);
    expect(rows).toHaveLength(2);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^warning: telemetry: nvidia-smi on \S+ exited twice \(status 9: NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver.*\), gave up for this engine: telemetry columns left empty$/);
    for (const row of rows) for (const c of ["gpu_mem_used_gib_max", "power_w_mean", "energy_j", "gpu_mem_headroom_gib", "engine_cpu_s"]) expect(row[c], c).toBe("");
    expect(existsSync(join(out, "telemetry.csv"))).toBe(false);
  });

  it("a sampler that dies is restarted once, then given up with a warning; the point is still ok", async () => {
    const env = { PATH: `${FAKE_GPU}:${process.env.PATH}`, FAKE_NVIDIA_SMI: "die-after=4" };
    const { out, rows, warnings } = await grid("gpu-dies", "{ kind: nvidia, interval_ms: 50 }", env, undefined, LIGHT);
    expect(warnings).toEqual([expect.stringMatching(/exited twice \(status 1: fake nvidia-smi: exiting after 4 loops\), gave up for this engine/)]);
    const raw = readFileSync(join(out, "telemetry", `${rows[0].server_id}.out`), "utf8");
    expect(raw.match(/^#restart /gm)).toHaveLength(1);
    expect(raw.match(/^#error /gm)).toHaveLength(1);
    // the startup samples are kept; the scenario (after the sampler gave up) has no GPU columns, not stale ones
    expect(readCsv(join(out, "telemetry.csv"))).toHaveLength(16);
    expect(rows[0].energy_j).toBe("");
    expect(rows[0].gpu_mem_headroom_gib).not.toBe("");
  });

  it("telemetry: off runs no sampler", async () => {
    const { out, rows } = await grid("off", "off", { PATH: `${FAKE_GPU}:${process.env.PATH}` }, undefined, LIGHT);
    expect(existsSync(join(out, "telemetry"))).toBe(false);
    expect(existsSync(join(out, "telemetry.csv"))).toBe(false);
    expect(rows[0].engine_cpu_s).toBe("");
    expect(rows[0].gpu_mem_headroom_gib).toBe("");
  });
});
