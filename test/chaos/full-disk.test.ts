import { closeSync, mkdtempSync, openSync, readdirSync, rmSync, writeFileSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { stringify } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readCsv } from "../../src/results/csv.ts";
import { BENCH_BIN } from "../helpers/bench-cli.ts";
import { until } from "./engine-proc.ts";

/**
 * The run directory's disk fills up while a grid runs (issue 14, item 16): a small tmpfs (the tests run as
 * root) holds the run; once the first point is written, a filler file takes every byte left.
 */
const mount = mkdtempSync(join(tmpdir(), "tunelab-fulldisk-"));
const work = mkdtempSync(join(tmpdir(), "tunelab-fulldisk-grid-"));

beforeAll(async () => {
  await execa("mount", ["-t", "tmpfs", "-o", "size=4m", "tmpfs", mount]);
});
afterAll(async () => {
  await execa("umount", [mount], { reject: false });
  rmSync(mount, { recursive: true, force: true });
});

/** Writes zeros until the file system refuses (ENOSPC). */
function fill(file: string): void {
  const fd = openSync(file, "w");
  const block = Buffer.alloc(64 * 1024);
  try {
    for (;;) writeSync(fd, block);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOSPC") throw err;
  } finally {
    closeSync(fd);
  }
}

describe("chaos: a full disk while writing results", () => {
  it("is a one-line error with exit 1; points.csv stays readable and --resume finishes the grid", async () => {
    const file = join(work, "disk.yaml");
    writeFileSync(file, stringify({
      name: "full-disk", engine: "vllm", model: "QuantTrio/GLM-4.7-Flash-AWQ", args: { "tensor-parallel-size": 2, "max-model-len": 32768 },
      env: { VLLM_CACHE_ROOT: join(work, "vllm-cache") },
      matrix: { "max-num-seqs": [8, 16, 32] },
      suites: [{ kind: "chat", options: { requests: 3, prompt_tokens: 64, output_tokens: 16, warmup: 0, repetitions: 1 } }],
    }));
    const out = join(mount, "run");
    const args = [BENCH_BIN, "grid", file, "--simulate", "--time-scale", "50", "--progress", "none"];
    const child = execa("node", [...args, "--out", out], { reject: false });
    await until("the first point's row", () => readCsv(join(out, "points.csv")).length >= 1 || undefined, 120_000, 20);
    const filler = join(mount, "filler");
    fill(filler);
    const r = await child;
    expect(r.exitCode, r.stderr).toBe(1);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/^error: disk full: cannot write .*(points|requests)\.csv \(ENOSPC\) \(free some space, then continue with `bench grid FILE --resume RUN_DIR`/);
    const kept = readCsv(join(out, "points.csv"));
    expect(kept.length).toBeGreaterThanOrEqual(1);
    expect(kept.length).toBeLessThan(3);
    expect(kept.every((row) => row.status === "ok" && Number(row.output_tok_s) > 0)).toBe(true);
    expect(readdirSync(out).filter((f) => f.includes(".tmp-"))).toEqual([]);
    const requestsBefore = readCsv(join(out, "requests.csv"));
    expect(requestsBefore).toHaveLength(3 * kept.length);

    rmSync(filler);
    const resumed = await execa("node", [...args, "--resume", out], { reject: false });
    expect(resumed.exitCode, resumed.stderr).toBe(0);
    const rows = readCsv(join(out, "points.csv"));
    expect(rows.map((row) => row["max-num-seqs"]).sort()).toEqual(["16", "32", "8"]);
    expect(rows.slice(0, kept.length)).toEqual(kept);
    expect(readCsv(join(out, "requests.csv"))).toHaveLength(9);
  }, 300_000);
});
