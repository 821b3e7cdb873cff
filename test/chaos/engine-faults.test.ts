import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { stringify } from "yaml";
import { beforeAll, describe, expect, it } from "vitest";
import { readCsv } from "../../src/results/csv.ts";
import { testEngine } from "../../src/setup/index.ts";
import { BENCH_BIN } from "../helpers/bench-cli.ts";
import { processesMatching } from "../helpers/engine-procs.ts";
import { engineProc, requestsProcessing, until } from "./engine-proc.ts";
import { watchRows } from "./watch-rows.ts";

/**
 * The real llama-server (tiny model) killed or frozen in the middle of a point's streams (issue 14, item 14):
 * the point becomes a classified failed row, the engine is started again for the next point, and the rows
 * written before stay as they were.
 */
let serverPath = "";
let modelPath = "";
const dir = mkdtempSync(join(tmpdir(), "tunelab-chaos-engine-"));

beforeAll(async () => {
  ({ serverPath, modelPath } = await testEngine());
});

/** Three points on one engine (client-level concurrency): a fault hits the second one mid-stream. */
function gridFile(name: string, limits: { request_timeout_s: number; point_timeout_s: number }): { file: string; alias: string } {
  const alias = `tiny-chaos-${name}-${process.pid}`;
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, stringify({
    name, engine: "llamacpp", model: modelPath, binary: serverPath, served_name: alias,
    args: { "ctx-size": 4096, threads: 2, parallel: 2 },
    matrix: { concurrency: [1, 2, 3] },
    suites: [{ kind: "chat", options: { requests: 3, prompt_tokens: 32, output_tokens: 48, warmup: 0, repetitions: 1 } }],
    launcher: { kind: "local", startup_timeout_s: 60, stop_timeout_s: 5 },
    ...limits,
  }));
  return { file, alias };
}

/** Runs the grid; once the first point's row is written and the second point is streaming, `strike` hits the engine. */
async function runWithFault(name: string, limits: { request_timeout_s: number; point_timeout_s: number }, strike: (pid: number) => void) {
  const { file, alias } = gridFile(name, limits);
  const out = join(dir, name);
  const watch = watchRows(join(out, "points.csv"));
  const started = Date.now();
  const child = execa("node", [BENCH_BIN, "grid", file, "--out", out, "--progress", "plain"], { reject: false });
  await until("the first point's row", () => watch.rows.length >= 1 || undefined);
  const engine = await until("the engine", () => engineProc(alias, serverPath));
  await until("a request in flight on the second point", async () => ((await requestsProcessing(engine.port)) ?? 0) > 0 || undefined, 120_000, 10);
  const rowsBefore = watch.rows.length;
  strike(engine.pid);
  const r = await child;
  const final = readCsv(join(out, "points.csv"));
  watch.stop();
  return { r, final, watch, rowsBefore, alias, out, seconds: (Date.now() - started) / 1000 };
}

describe("chaos: the engine killed or frozen mid-stream", () => {
  it("SIGKILL mid-suite: a `crashed` row, the engine restarted, the next point measured", async () => {
    const run = await runWithFault("sigkill", { request_timeout_s: 60, point_timeout_s: 600 }, (pid) => process.kill(pid, "SIGKILL"));
    expect(run.r.exitCode, run.r.stderr).toBe(0);
    expect(run.rowsBefore).toBe(1);
    expect(run.final.map((row) => `${row.concurrency}:${row.status}`)).toEqual(["1:ok", "2:failed", "3:ok"]);
    const crashed = run.final[1];
    expect(crashed.failure).toBe("crashed");
    expect(crashed.failure_detail).toMatch(/the engine exited with code 137 \(signal 9\) while suite chat ran/);
    expect(Number(run.final[2].output_tok_s)).toBeGreaterThan(0);
    expect(Number(run.final[2].errors)).toBe(0);
    expect(run.watch.intact(run.final)).toBe(true);
    const log = readFileSync(join(run.out, "logs", `${crashed.server_id}.log`), "utf8");
    expect(log.match(/listening on http:/g)).toHaveLength(2); // started again for the third point
    expect(processesMatching(run.alias)).toEqual([]);
  }, 300_000);

  it("SIGSTOP mid-stream: the request times out (request_timeout_s), the frozen engine is replaced, the next point measured", async () => {
    const run = await runWithFault("sigstop", { request_timeout_s: 20, point_timeout_s: 600 }, (pid) => process.kill(pid, "SIGSTOP"));
    expect(run.r.exitCode, run.r.stderr).toBe(0);
    expect(run.final.map((row) => `${row.concurrency}:${row.status}`)).toEqual(["1:ok", "2:failed", "3:ok"]);
    expect(run.final[1].failure).toBe("request_timeout");
    expect(run.final[1].failure_detail).toMatch(/timeout: the engine sent nothing for 20 s/);
    expect(Number(run.final[2].errors)).toBe(0);
    expect(run.watch.intact(run.final)).toBe(true);
    expect(processesMatching(run.alias)).toEqual([]);
  }, 300_000);

  it("a frozen engine with a long request timeout is cut by the point's watchdog (point_timeout_s)", async () => {
    const run = await runWithFault("watchdog", { request_timeout_s: 3600, point_timeout_s: 60 }, (pid) => process.kill(pid, "SIGSTOP"));
    expect(run.r.exitCode, run.r.stderr).toBe(0);
    expect(run.final.map((row) => `${row.concurrency}:${row.status}`)).toEqual(["1:ok", "2:failed", "3:ok"]);
    expect(run.final[1].failure).toBe("point_timeout");
    expect(run.final[1].failure_detail).toMatch(/longer than point_timeout_s \(60 s\)/);
    expect(run.watch.intact(run.final)).toBe(true);
    expect(processesMatching(run.alias)).toEqual([]);
  }, 300_000);
});
