import { mkdtempSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { beforeAll, describe, expect, it } from "vitest";
import { readCsv } from "../src/results/csv.ts";
import { testEngine } from "../src/setup/index.ts";
import { processesMatching } from "./helpers/engine-procs.ts";
import { BENCH_BIN } from "./helpers/bench-cli.ts";

let serverPath = "";
let modelPath = "";
const dir = mkdtempSync(join(tmpdir(), "tunelab-e2e-"));

function gridFile(name: string, matrix: string, requests = 3): string {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, [
    `name: ${name}`, "engine: llamacpp", `model: ${modelPath}`, `binary: ${serverPath}`, `served_name: ${servedName(name)}`,
    "args: { ctx-size: 4096, threads: 2 }", `matrix: ${matrix}`,
    `suites: [{ kind: chat, options: { requests: ${requests}, prompt_tokens: 128, output_tokens: 16, warmup: 1 } }]`,
    "launcher: { kind: local, startup_timeout_s: 60 }", "",
  ].join("\n"));
  return file;
}

/** A unique alias per grid, so the leftover-process check only sees this test's engines. */
const servedName = (name: string) => `tiny-${name}-${process.pid}`;

const bench = (args: string[]) => execa("node", [BENCH_BIN, ...args], { reject: false });

beforeAll(async () => {
  ({ serverPath, modelPath } = await testEngine());
});

describe("bench grid on the real llama-server (tiny model)", () => {
  it("runs a 2-point grid and writes plausible positive timings", async () => {
    const out = join(dir, "two");
    const r = await bench(["grid", gridFile("two", "{ parallel: [1, 2] }"), "--out", out, "--progress", "plain"]);
    expect(r.exitCode, r.stderr).toBe(0);
    const rows = readCsv(join(out, "points.csv"));
    expect(rows).toHaveLength(2);
    for (const row of rows) {
      expect(row.status).toBe("ok");
      expect(row.suite).toBe("chat");
      expect(Number(row.requests_sent)).toBe(3);
      expect(row.requests).toBeUndefined(); // not a parameter of this grid: no such column
      expect(Number(row.errors)).toBe(0);
      for (const c of ["ttft_ms_mean", "ttft_ms_p50", "ttft_ms_p99", "tpot_ms_mean", "itl_ms_mean", "e2el_ms_mean", "output_tok_s", "startup_s"]) {
        expect(Number(row[c]), c).toBeGreaterThan(0);
      }
      expect(Number(row.e2el_ms_mean)).toBeGreaterThan(Number(row.ttft_ms_mean));
      expect(Number(row.output_tokens_mean)).toBe(16);
      expect(Number(row.prompt_tokens_mean)).toBeGreaterThanOrEqual(128);
    }
    expect(rows.map((r) => r.parallel).sort()).toEqual(["1", "2"]);
    const requests = readCsv(join(out, "requests.csv"));
    expect(requests).toHaveLength(6);
    expect(requests.every((q) => q.output_tokens === "16" && Number(q.first_token_ns) > Number(q.start_ns))).toBe(true);
    const manifest = JSON.parse(readFileSync(join(out, "manifest.json"), "utf8"));
    expect(manifest.engine).toBe("llamacpp");
    expect(manifest.grid_sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(manifest.ended_at).toBeTruthy();
    expect(existsSync(join(out, "logs", `${rows[0].server_id}.log`))).toBe(true);
    expect(r.stdout).toMatch(/point\s+status\s+parallel/);
    expect(processesMatching(servedName("two"))).toEqual([]);
  });

  it("records a point with an impossible setting as failed and runs the others", async () => {
    const out = join(dir, "fail");
    const r = await bench(["grid", gridFile("fail", "{ cache-type-k: [f16, bogus] }", 2), "--out", out, "--progress", "plain"]);
    expect(r.exitCode, r.stderr).toBe(0);
    const rows = readCsv(join(out, "points.csv"));
    expect(rows).toHaveLength(2);
    const bad = rows.find((row) => row["cache-type-k"] === "bogus")!;
    const good = rows.find((row) => row["cache-type-k"] === "f16")!;
    expect(bad.status).toBe("failed");
    expect(bad.failure).toBe("invalid_config");
    expect(bad.failure_detail).toMatch(/Unsupported cache type: bogus/);
    expect(good.status).toBe("ok");
    expect(Number(good.output_tok_s)).toBeGreaterThan(0);
  });

  it("SIGINT after the first point stops the engine; --resume runs every point exactly once", async () => {
    const out = join(dir, "resume");
    const file = gridFile("resume", "{ parallel: [1, 2, 3] }", 4);
    const child = execa("node", [BENCH_BIN, "grid", file, "--out", out, "--progress", "plain"], { reject: false });
    const deadline = Date.now() + 90_000;
    while (readCsv(join(out, "points.csv")).length < 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(readCsv(join(out, "points.csv")).length).toBeGreaterThanOrEqual(1);
    child.kill("SIGINT");
    const first = await child;
    expect(first.exitCode).toBe(130);
    expect(processesMatching(servedName("resume"))).toEqual([]);
    const before = readCsv(join(out, "points.csv")).map((r) => r.point_id);
    expect(before.length).toBeLessThan(3);

    const resumed = await bench(["grid", file, "--resume", out, "--progress", "plain"]);
    expect(resumed.exitCode, resumed.stderr).toBe(0);
    expect(resumed.stderr).toContain(`${before.length} already done`);
    const rows = readCsv(join(out, "points.csv"));
    expect(rows).toHaveLength(3);
    expect(new Set(rows.map((r) => r.point_id)).size).toBe(3);
    for (const id of before) expect(rows.filter((r) => r.point_id === id)).toHaveLength(1);
    const requests = readCsv(join(out, "requests.csv"));
    expect(requests).toHaveLength(12);
    expect(processesMatching(servedName("resume"))).toEqual([]);
  });

  it("runs the same engine direct and through the built-in proxy (client-level path), recording the path", async () => {
    const out = join(dir, "paths");
    const r = await bench(["grid", gridFile("paths", "{ path: [direct, proxy] }", 2), "--out", out, "--progress", "plain"]);
    expect(r.exitCode, r.stderr).toBe(0);
    const rows = readCsv(join(out, "points.csv"));
    expect(rows.map((row) => row.path).sort()).toEqual(["direct", "proxy"]);
    expect(new Set(rows.map((row) => row.server_id)).size).toBe(1); // one engine start for both paths
    for (const row of rows) {
      expect(row.status).toBe("ok");
      expect(Number(row.errors)).toBe(0);
      expect(Number(row.output_tokens_mean)).toBe(16);
      expect(Number(row.ttft_ms_p50)).toBeGreaterThan(0);
    }
    expect(readFileSync(join(out, "logs", `${rows[0].server_id}.log`), "utf8").match(/main: server is listening|listening on/g)).toHaveLength(1);
  });

  it("every suite honours the client-level parameters of the matrix: points differ in what they measured", async () => {
    const file = join(dir, "client.yaml");
    writeFileSync(file, readFileSync(gridFile("client", "{ requests: [1, 2], output_tokens: [4] }"), "utf8").replace(/^suites: .*$/m,
      "suites: [{ kind: ttft, options: { prompt_tokens: 256, scenarios: [cold], repetitions: 1 } }, { kind: decode, options: { prompt_tokens: 32, warmup: 0, repetitions: 1 } }]"));
    const out = join(dir, "client-out");
    const r = await bench(["grid", file, "--out", out, "--progress", "plain"]);
    expect(r.exitCode, r.stderr).toBe(0);
    const rows = readCsv(join(out, "points.csv"));
    expect(rows).toHaveLength(4);
    for (const row of rows) {
      expect(row.status).toBe("ok");
      expect(row.requests_sent).toBe(row.requests); // 1 or 2, as the point says, in both suites
      expect(row.output_tokens).toBe("4");
      expect(Number(row.output_tokens_mean)).toBe(4);
    }
    expect(rows.map((row) => `${row.suite}:${row.requests}`).sort()).toEqual(["decode:1", "decode:2", "ttft:1", "ttft:2"]);
  });

  it("a missing engine binary is a one-line error naming bench setup, exit 2", async () => {
    const file = join(dir, "nobin.yaml");
    writeFileSync(file, readFileSync(gridFile("nobin", "{ parallel: [1] }"), "utf8").replace(`binary: ${serverPath}`, "binary: /nonexistent/llama-server"));
    const r = await bench(["grid", file, "--out", join(dir, "nobin-out")]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr.trim()).toMatch(/^error: .*llama-server.* not found \(run `bench setup llama.cpp`/);
  });
});
