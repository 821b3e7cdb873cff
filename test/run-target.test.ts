import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { probeTarget } from "../src/lab/run-target.ts";
import { readCsv } from "../src/results/csv.ts";
import { startScriptedUpstream, type ScriptedUpstream } from "./helpers/scripted-upstream.ts";
import { BENCH_BIN } from "./helpers/bench-cli.ts";

const bench = (args: string[]) => execa(process.execPath, [BENCH_BIN, ...args], { reject: false });

let upstream: ScriptedUpstream;
beforeAll(async () => {
  upstream = await startScriptedUpstream({ kind: "llamacpp-legacy", model: "scripted" });
});
afterAll(async () => upstream?.close());

describe("bench run against a running server", () => {
  it("probes engine, model and capabilities without calling any reset endpoint", async () => {
    const { target, engine } = await probeTarget({ url: `${upstream.url}/v1/`, api: "openai" });
    expect(engine).toBe("llamacpp");
    expect(target.model).toBe("scripted");
    expect(target.baseUrl).toBe(upstream.url);
    expect(target.capabilities).toMatchObject({ tokenize: "llamacpp", metrics: null, resetPrefixCache: null, openaiChat: true });
    expect(upstream.requests.some((r) => r.path.includes("reset") || r.method === "POST" && r.path.startsWith("/slots"))).toBe(false);
  });

  it("writes the same files as a grid: points.csv, requests.csv, manifest.json", async () => {
    const out = join(mkdtempSync(join(tmpdir(), "tunelab-run-")), "run");
    const result = await bench(["run", "--url", upstream.url, "--suite", "decode,chat", "--repetitions", "1", "--out", out, "--progress", "none"]);
    expect(result.exitCode, result.stderr).toBe(0);
    const points = readCsv(join(out, "points.csv"));
    expect(points.map((r) => [r.suite, r.status])).toEqual([["decode", "ok"], ["chat", "ok"]]);
    expect(points.every((r) => r.repetitions === "1" && Number(r.output_tokens_mean) === 2)).toBe(true);
    const requests = readCsv(join(out, "requests.csv"));
    expect(requests.filter((r) => r.suite === "decode")).toHaveLength(3);
    const manifest = JSON.parse(readFileSync(join(out, "manifest.json"), "utf8"));
    expect(manifest).toMatchObject({ engine: "llamacpp", launcher: "external", points_total: 1 });
    expect(manifest.ended_at).toBeDefined();
  });

  it("an unknown suite is bad input (exit 2) naming the known ones", async () => {
    const result = await bench(["run", "--url", upstream.url, "--suite", "nope"]);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/--suite: unknown suite 'nope'.*known: chat, ttft/);
  });
});
