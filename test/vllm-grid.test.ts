import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { beforeAll, describe, expect, it } from "vitest";
import { readCsv } from "../src/results/csv.ts";
import { testEngine } from "../src/setup/index.ts";
import { llamaGrid, vllmGrid } from "./helpers/vllm-grids.ts";
import { BENCH_BIN } from "./helpers/bench-cli.ts";

const dir = mkdtempSync(join(tmpdir(), "tunelab-vllm-grid-"));
const bench = (args: string[]) => execa("node", [BENCH_BIN, ...args], { reject: false, all: true });
type Row = Record<string, string>;
let vllmRows: Row[] = [];
const find = (rows: Row[], suite: string, scenario: string) => rows.find((r) => r.suite === suite && r.scenario === scenario);

beforeAll(async () => {
  const file = join(dir, "vllm.yaml");
  writeFileSync(file, vllmGrid("vllm-cpu-test"));
  const r = await bench(["grid", file, "--out", join(dir, "vllm"), "--progress", "plain"]);
  expect(r.exitCode, r.all).toBe(0);
  vllmRows = readCsv(join(dir, "vllm", "points.csv"));
}, 1_500_000);

describe("real vLLM (CPU build) under the lab: one engine start, every suite", () => {
  it("runs every suite ok on one point, with the env.* matrix key as a column and in the engine's environment", () => {
    expect(new Set(vllmRows.map((r) => r.point_id)).size).toBe(1);
    expect(new Set(vllmRows.map((r) => r.suite))).toEqual(new Set(["ttft", "decode", "concurrency", "toolcall", "session", "chat", "proxy"]));
    for (const row of vllmRows) {
      expect(row.status, `${row.suite}/${row.scenario}: ${row.failure_detail}`).toBe("ok");
      // no request without text: the HF model's lm_head never picks a token that streams none (src/setup/tiny-hf.ts)
      expect(Number(row.errors), `${row.suite}/${row.scenario}`).toBe(0);
      expect(row["env.VLLM_CPU_KVCACHE_SPACE"]).toBe("1");
      expect(row.engine).toBe("vllm");
    }
    const log = readFileSync(join(dir, "vllm", "logs", `${vllmRows[0].server_id ?? ""}.log`), "utf8");
    expect(log).toMatch(/Explicitly set \(1(\.0)?\/[\d.]+\) GiB for KV cache/);
  });

  it("measures real numbers: startup, decode tok/s, TTFT under load", () => {
    const decode = vllmRows.find((r) => r.suite === "decode")!;
    expect(Number(decode.output_tok_s)).toBeGreaterThan(1);
    expect(Number(decode.startup_s)).toBeGreaterThan(5);
    expect(Number(find(vllmRows, "concurrency", "c4")!.output_tok_s)).toBeGreaterThan(0);
    const manifest = JSON.parse(readFileSync(join(dir, "vllm", "manifest.json"), "utf8"));
    expect(manifest.engine_version).toMatch(/^vllm 0\.32\.0\+cpu/);
    expect(manifest.simulated).toBeFalsy();
  });

  it("resets the prefix cache between scenarios and reads real prefix-cache hits from /metrics", () => {
    const cold = find(vllmRows, "ttft", "cold")!;
    const warm = find(vllmRows, "ttft", "warm")!;
    expect(Number(cold.server_prefix_hit_ratio)).toBeLessThan(0.2);
    expect(Number(warm.server_prefix_hit_ratio)).toBeGreaterThan(0.5);
  });

  it("sends the forced tool calls of the toolcall suite (hermes parser) without errors", () => {
    // A random-weight model writes the arguments without end, so no call closes within the output budget and
    // tool_calls_ok stays 0; test/vllm-parity.test.ts checks that vLLM forces the tool-call envelope.
    const tool = vllmRows.find((r) => r.suite === "toolcall")!;
    expect([tool.status, tool.errors]).toEqual(["ok", "0"]);
    expect(Number(tool.output_tokens_mean)).toBeGreaterThan(0);
  });

  it("bench compare puts a llama.cpp run and this vLLM run of the same model side by side", async () => {
    const { serverPath, modelPath } = await testEngine();
    const file = join(dir, "llama.yaml");
    writeFileSync(file, llamaGrid("llamacpp-cpu-test", serverPath, modelPath));
    const r = await bench(["grid", file, "--out", join(dir, "llama"), "--progress", "none"]);
    expect(r.exitCode, r.all).toBe(0);
    const c = await bench(["compare", join(dir, "llama"), join(dir, "vllm"), "--out", join(dir, "compare")]);
    expect(c.exitCode, c.all).toBe(0);
    const rows = readCsv(join(dir, "compare", "compare.csv"));
    const keys = rows.map((row) => `${row.suite}/${row.scenario}`);
    for (const k of ["ttft/cold", "ttft/warm", "decode/o64", "concurrency/c1", "concurrency/c4"]) expect(keys).toContain(k);
    expect(c.stderr).toContain("engine differs: A llamacpp, B vllm");
    const decode = rows.find((row) => row.suite === "decode")!;
    process.stderr.write(`[compare] ${c.stdout}\n`);
    expect(Number(decode.a_output_tok_s)).toBeGreaterThan(0);
    expect(Number(decode.b_output_tok_s)).toBeGreaterThan(0);
    for (const k of ["ttft/cold", "ttft/warm", "concurrency/c4"]) {
      const row = rows.find((x) => `${x.suite}/${x.scenario}` === k)!;
      expect([Number(row.a_ttft_ms_p50), Number(row.b_ttft_ms_p50)].every((v) => v > 0), k).toBe(true);
    }
  }, 600_000);
});
