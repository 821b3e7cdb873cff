import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { stringify } from "yaml";
import { describe, expect, it } from "vitest";
import { readCsv } from "../../src/results/csv.ts";
import { BENCH_BIN } from "../helpers/bench-cli.ts";
import { watchRows } from "./watch-rows.ts";

/**
 * Faults a healthy engine does not produce on demand, from the vLLM simulator's `--sim-fault` switch: an engine
 * that answers 500 to every request, and one that closes the connection mid-stream. Each ends in a failed row
 * with its class and the requests' error, the next point runs, and rows written before stay as they were
 * (issue 14, item 14).
 */
describe("chaos: an engine answering 500 or closing its streams", () => {
  it("fails those points as requests_failed with the requests' error, and runs the next ones", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tunelab-chaos-sim-"));
    const file = join(dir, "faults.yaml");
    writeFileSync(file, stringify({
      name: "sim-faults", engine: "vllm", model: "QuantTrio/GLM-4.7-Flash-AWQ", args: { "tensor-parallel-size": 2, "max-model-len": 32768 },
      env: { VLLM_CACHE_ROOT: join(dir, "vllm-cache") },
      matrix: { "max-num-seqs": [8, 16], "sim-fault": ["none", "http-500", "close-mid-stream"] },
      exclude: [{ "max-num-seqs": 16, "sim-fault": "http-500" }, { "max-num-seqs": 16, "sim-fault": "close-mid-stream" }],
      suites: [{ kind: "chat", options: { requests: 3, prompt_tokens: 64, output_tokens: 32, warmup: 0, repetitions: 1 } }],
      request_timeout_s: 30,
    }));
    const out = join(dir, "run");
    const watch = watchRows(join(out, "points.csv"));
    const r = await execa("node", [BENCH_BIN, "grid", file, "--simulate", "--time-scale", "50", "--out", out, "--progress", "plain"], { reject: false });
    const final = readCsv(join(out, "points.csv"));
    watch.stop();
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).toContain("2 of 4 points failed");
    const byFault = (fault: string, seqs: string) => final.filter((row) => row["sim-fault"] === fault && row["max-num-seqs"] === seqs);
    expect(final.map((row) => `${row["max-num-seqs"]}/${row["sim-fault"]}:${row.status}`)).toEqual(["8/none:ok", "8/http-500:failed", "8/close-mid-stream:failed", "16/none:ok"]);
    const [http500] = byFault("http-500", "8");
    expect(http500.failure).toBe("requests_failed");
    expect(http500.failure_detail).toMatch(/^all 3 requests failed: HTTP 500: .*simulated fault/);
    const [closed] = byFault("close-mid-stream", "8");
    expect(closed.failure).toBe("requests_failed");
    expect(closed.failure_detail).toMatch(/^all 3 requests failed: /);
    expect(closed.failure_detail).not.toMatch(/HTTP \d/); // the streams began (200) and were cut
    for (const ok of [...byFault("none", "8"), ...byFault("none", "16")]) {
      expect(Number(ok.errors)).toBe(0);
      expect(Number(ok.output_tok_s)).toBeGreaterThan(0);
    }
    expect(watch.rows.length).toBeGreaterThanOrEqual(3);
    expect(watch.intact(final)).toBe(true);
  }, 240_000);
});
