import { setMaxListeners } from "node:events";
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { stringify } from "yaml";
import { BENCH_BIN } from "./helpers/bench-cli.ts";
import { describe, expect, it } from "vitest";
import { loadGrid } from "../src/grid/load.ts";
import { silentProgress } from "../src/progress/observer.ts";
import { readCsv } from "../src/results/csv.ts";
import { evaluateTuner } from "../src/tune/evaluate.ts";

/**
 * A 12-point space with the benchmark's shape (bench/tune.bench.ts), small: every start at 0.95 fails (oom), eager
 * configurations serve 2 users, the others 10. The full suites cost far more engine-seconds than a screen (a long
 * decode, a capacity search of several probes), as a real grid's do; the simulator spends no wall time on them.
 */
function gridFile(dir: string): string {
  const grid = {
    name: "tune-sim", engine: "vllm", model: "QuantTrio/GLM-4.7-Flash-AWQ", served_name: "glm",
    args: { "tensor-parallel-size": 2, "max-model-len": 65536, "tool-call-parser": "glm47", "enable-auto-tool-choice": true, "enable-prompt-tokens-details": true, "startup-time-scale": 1000 },
    env: { VLLM_CACHE_ROOT: join(dir, "vllm-cache") },
    matrix: { "gpu-memory-utilization": [0.85, 0.92, 0.95], "enforce-eager": [false, true], "enable-expert-parallel": [true, false] },
    suites: [
      { kind: "decode", options: { output_tokens: 3000, requests: 3 } },
      { kind: "capacity", options: { prompt_tokens: 16000, turns: 4, output_tokens: 32, think_s: 15, max_sessions: 32 } },
    ],
    repetitions: 1,
  };
  const file = join(dir, "tune-sim.yaml");
  writeFileSync(file, stringify(grid));
  return file;
}

/** A signal many requests listen to at once (capacity probes), without Node's leak warning. */
function quietSignal(): AbortSignal {
  const signal = new AbortController().signal;
  setMaxListeners(0, signal);
  return signal;
}

const bench = (args: string[]) => execa("node", [BENCH_BIN, ...args], { reject: false });

describe("bench tune on the simulator", () => {
  it("finds the exhaustive winner's capacity in every seed with at most 35% of its engine-seconds", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tunelab-tune-"));
    const e = await evaluateTuner(loadGrid(gridFile(dir)), {
      seeds: [1, 2, 3], strategy: "halving", budget: "35%", simulate: true, timeScale: 1000, out: join(dir, "eval"),
      progress: silentProgress, signal: quietSignal(),
    });
    console.log(`tune (12 points, 3 seeds): best ${e.best}; within 3% in ${e.withinCount}/3; shares ${e.seeds.map((s) => (s.share * 100).toFixed(1) + "%").join(", ")}`);
    expect(e.best).toBeGreaterThan(1);
    expect(e.withinCount).toBe(3);
    expect(e.maxShare).toBeLessThanOrEqual(0.35);
    const seedDir = readdirSync(join(dir, "eval")).find((d) => d.startsWith("halving-seed-1-")) as string;
    const tune = readCsv(join(dir, "eval", seedDir, "tune.csv"));
    expect(tune.some((r) => /^predicted: oom \(from [0-9a-f]{10}\)$/.test(r.reason) && r["gpu-memory-utilization"] === "0.95")).toBe(true);
    expect(tune.filter((r) => r.decision === "winner")).toHaveLength(1);
    expect(tune.filter((r) => r.decision === "cut").every((r) => r.reason.length > 10)).toBe(true);
  }, 900_000);

  it("prints its winner and cuts, promotes, resumes without rerunning, and rejects a budget too small", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tunelab-tune-cli-"));
    const file = gridFile(dir);
    const out = join(dir, "run");
    const r = await bench(["tune", file, "--simulate", "--time-scale", "1000", "--out", out, "--progress", "none"]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^winner: .*capacity_sessions \d/m);
    expect(r.stdout).toMatch(/engine-seconds: \d+ spent = [\d.]+% of the exhaustive run's ~\d+/);
    expect(r.stdout).toMatch(/predicted .*predicted: oom \(from /);
    expect(r.stdout).toMatch(/cut .*\[screen, \d+ engine-s\]: screen: SLO at \d+ sessions ([\d.]+ of its limit|over-saturated): cannot beat the best so far \(10 sessions\)/);
    expect(existsSync(join(out, "tune.csv")) && existsSync(join(out, "points.csv"))).toBe(true);
    const trials = readFileSync(join(out, "trials.jsonl"), "utf8");
    const resumed = await bench(["tune", file, "--simulate", "--time-scale", "1000", "--resume", out, "--progress", "none"]);
    expect(resumed.exitCode, resumed.stderr).toBe(0);
    expect(readFileSync(join(out, "trials.jsonl"), "utf8")).toBe(trials); // every trial replayed, none rerun
    expect(resumed.stdout.split("\n")[0]).toBe(r.stdout.split("\n")[0]);
    const promoted = await bench(["promote", out]);
    expect(promoted.exitCode, promoted.stderr).toBe(0);
    const winnerLine = r.stdout.split("\n")[0];
    const profile = readFileSync(join(out, "production", "profile.yaml"), "utf8");
    for (const [k, v] of [...winnerLine.matchAll(/([a-z-]+)=(\S+)/g)].map((m) => [m[1], m[2]])) expect(profile).toContain(`${k}: ${v}`);
    const small = await bench(["tune", file, "--simulate", "--time-scale", "1000", "--budget", "2%", "--out", join(dir, "small"), "--progress", "none"]);
    expect(small.exitCode).toBe(2);
    expect(small.stderr).toMatch(/too small for one screening pass of 12 configurations .*the smallest budget that works is \d+ engine-seconds, or \d+% of/);
    const objective = await bench(["tune", file, "--simulate", "--objective", "tool_calls_ok", "--out", join(dir, "obj")]);
    expect(objective.exitCode).toBe(2);
    expect(objective.stderr).toMatch(/no suite of grid 'tune-sim' measures tool_calls_ok \(add the toolcall suite/);
  }, 900_000);

  it("a throughput objective: screens ranked by tok/s, the best third measured in full", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tunelab-tune-tps-"));
    const r = await bench(["tune", gridFile(dir), "--simulate", "--time-scale", "1000", "--objective", "output_tok_s", "--out", join(dir, "run"), "--progress", "none"]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(/MaxListenersExceededWarning/);
    expect(r.stdout).toMatch(/^winner: .*output_tok_s [\d.]+/m);
    // a failed simulated start costs the simulated seconds it took (a few), not its wall time x the time scale
    expect(r.stdout).toMatch(/failed .*\[(screen|full), \d{1,2} engine-s\]: start failed \(oom\)/);
    expect(r.stdout).toMatch(/kept .*\[screen, \d+ engine-s\]: screen [\d.]+ tok\/s in the best third/);
    expect(r.stdout).toMatch(/cut .*\[screen, \d+ engine-s\]: screen [\d.]+ tok\/s below the best third \(>= [\d.]+\)/);
    const spent = /engine-seconds: (\d+) spent = ([\d.]+)% of the exhaustive run's ~(\d+) \(budget (\d+)/.exec(r.stdout);
    expect(spent).not.toBeNull();
    expect(Number(spent![1])).toBeLessThanOrEqual(Number(spent![4])); // the default 35% budget held
  }, 600_000);
});
