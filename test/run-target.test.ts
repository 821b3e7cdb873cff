import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { probeTarget } from "../src/lab/run-target.ts";
import { readCsv } from "../src/results/csv.ts";
import { freePort } from "../src/launchers/ports.ts";
import { chunk, startScriptedUpstream, textChunks, type ScriptedUpstream } from "./helpers/scripted-upstream.ts";
import { BENCH_BIN } from "./helpers/bench-cli.ts";

const bench = (args: string[]) => execa(process.execPath, [BENCH_BIN, ...args], { reject: false });

let upstream: ScriptedUpstream;
beforeAll(async () => {
  upstream = await startScriptedUpstream({ kind: "llamacpp-legacy", model: "scripted" });
});
afterAll(async () => upstream?.close());

const outDir = () => join(mkdtempSync(join(tmpdir(), "tunelab-run-")), "run");

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

  it("a scenario in which every request failed (401) is a failed row whose cause is the requests' error", async () => {
    upstream.setScript(() => ({ status: 401, errorBody: { error: { message: "invalid api key", type: "auth_error" } } }));
    try {
      const out = outDir();
      const result = await bench(["run", "--url", upstream.url, "--suite", "chat", "--set", "chat.requests=3", "--repetitions", "1", "--out", out, "--progress", "none"]);
      expect(result.exitCode, "a completed run exits 0 and counts its failures (--strict: 3)").toBe(0);
      expect(result.stderr).toContain("1 of 1 suites failed");
      const [row] = readCsv(join(out, "points.csv"));
      expect(row).toMatchObject({ status: "failed", failure: "requests_failed", suite: "chat", requests_sent: "3", errors: "3", output_tok_s: "" });
      expect(row.failure_detail).toMatch(/^all 3 requests failed: HTTP 401: .*invalid api key/);
    } finally {
      upstream.setScript(() => ({ chunks: textChunks(["Hello", " world"]) }));
    }
  });

  it("a server that sends no usage has its tokens counted by its tokenizer, flagged tokens_source=tokenizer", async () => {
    upstream.setScript(() => ({ chunks: [chunk({ role: "assistant", content: "" }), chunk({ content: "Hello" }), chunk({ content: " world!" }), chunk({}, "stop")] }));
    try {
      const out = outDir();
      const result = await bench(["run", "--url", upstream.url, "--suite", "chat", "--set", "chat.requests=2", "--repetitions", "1", "--out", out, "--progress", "none"]);
      expect(result.exitCode, result.stderr).toBe(0);
      const [row] = readCsv(join(out, "points.csv"));
      expect(row).toMatchObject({ status: "ok", tokens_source: "tokenizer", output_tokens_mean: "3" }); // "Hello world!": 12 characters, 4 a token
      expect(Number(row.output_tok_s)).toBeGreaterThan(0);
      expect(readCsv(join(out, "requests.csv")).every((r) => r.tokens_source === "tokenizer" && r.output_tokens === "3")).toBe(true);
    } finally {
      upstream.setScript(() => ({ chunks: textChunks(["Hello", " world"]) }));
    }
  });

  it("takes suite options from the command line: --set SUITE.OPTION=VALUE, repeatable", async () => {
    const out = outDir();
    const result = await bench(["run", "--url", upstream.url, "--suite", "chat", "--set", "chat.requests=2", "--set", "chat.concurrency=2", "--set", "chat.prompt_tokens=40", "--repetitions", "1", "--out", out, "--progress", "none"]);
    expect(result.exitCode, result.stderr).toBe(0);
    const [row] = readCsv(join(out, "points.csv"));
    expect(row).toMatchObject({ scenario: "p40-o64", requests_sent: "2", scenario_concurrency: "2" });
    const bad = await bench(["run", "--url", upstream.url, "--suite", "chat", "--set", "chat.prompt_tokenz=40", "--out", outDir()]);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toMatch(/--suite chat: field 'options': Unrecognized key: "prompt_tokenz"|prompt_tokenz/);
    const other = await bench(["run", "--url", upstream.url, "--suite", "chat", "--set", "ttft.requests=1", "--out", outDir()]);
    expect(other.exitCode).toBe(2);
    expect(other.stderr).toMatch(/suite 'ttft' is not among --suite chat/);
  });

  it("a server that is down is said to be unreachable (exit 1), not to lack a model name", async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    const result = await bench(["run", "--url", url, "--suite", "chat", "--out", outDir()]);
    expect(result.exitCode).toBe(1);
    expect(result.stderr.trim()).toBe(`error: ${url} cannot be reached (connection refused, reset or timed out) (is the server running? check --url)`);
  });

  it("an unknown suite is bad input (exit 2) naming the known ones", async () => {
    const result = await bench(["run", "--url", upstream.url, "--suite", "nope"]);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/--suite: unknown suite 'nope'.*known: chat, ttft/);
  });
});
