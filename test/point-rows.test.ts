import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { RequestRecord } from "../src/client/types.ts";
import { scenarioRows, type RowContext } from "../src/lab/rows.ts";
import { compareRuns } from "../src/report/compare/join.ts";
import { loadRun } from "../src/report/load-run.ts";
import { MANIFEST_SCHEMA_VERSION } from "../src/results/columns.ts";
import { RunStore } from "../src/results/run-store.ts";
import { readCsv } from "../src/results/csv.ts";

const MS = 1_000_000;
const ok = (start: number): RequestRecord => ({
  ok: true, gateWaitNs: 0, startNs: start * MS, firstTokenNs: (start + 100) * MS, endNs: (start + 200) * MS,
  chunkNs: [(start + 100) * MS, (start + 150) * MS, (start + 200) * MS], outputTokens: 3, promptTokens: 10,
});
const refused = (): RequestRecord => ({ ok: false, error: 'HTTP 401: {"error":"invalid api key"}', gateWaitNs: 0, startNs: 0, endNs: MS, chunkNs: [] });

const point = { id: "p1", serverId: "s1", params: { parallel: 2, concurrency: 4, requests: 8 }, server: { parallel: 2 }, client: { concurrency: 4, requests: 8 } };
const ctx: RowContext = { point, engine: "llamacpp", launcher: "local", path: "direct", simulated: false, timeScale: 1, startedAt: "2026-01-01T00:00:00Z" };
const reps = (n: number, make: (i: number) => RequestRecord) => Array.from({ length: 3 }, () => ({ records: Array.from({ length: n }, (_, i) => make(i * 10)) }));

describe("points.csv rows: parameter columns keep the point's values", () => {
  it("a ttft scenario at concurrency 1 with 3 repetitions of 8 keeps concurrency=4 and requests=8; what it ran goes beside", () => {
    const [row] = scenarioRows(ctx, "ttft", [{ scenario: "warm", concurrency: 1, repetitions: reps(8, ok) }]);
    expect(row).toMatchObject({ status: "ok", concurrency: 4, requests: 8, parallel: 2, scenario_concurrency: 1, requests_sent: 24, errors: 0 });
  });

  it("a scenario in which every request failed is a failed row carrying the requests' error, not an ok row of zeros", () => {
    const [row] = scenarioRows(ctx, "chat", [{ scenario: "p8", concurrency: 4, repetitions: reps(8, refused) }]);
    expect(row).toMatchObject({ status: "failed", failure: "requests_failed", concurrency: 4, requests: 8, requests_sent: 24, errors: 24 });
    expect(row.failure_detail).toBe('all 24 requests failed: HTTP 401: {"error":"invalid api key"}');
    expect(row.output_tok_s).toBeUndefined();
  });

  it("a server without usage and without a tokenizer leaves token rates empty, never 0", () => {
    const noUsage = (i: number): RequestRecord => ({ ...ok(i), outputTokens: undefined, promptTokens: undefined });
    const [row] = scenarioRows(ctx, "chat", [{ scenario: "p8", concurrency: 4, repetitions: reps(2, noUsage) }]);
    expect(row.status).toBe("ok");
    expect(row.output_tok_s).toBeUndefined();
    expect(row.total_tok_s).toBeUndefined();
    expect(row.tokens_source).toBeUndefined();
    expect(row.request_s).toBeGreaterThan(0);
  });

  it("counts counted through the tokenizer are flagged tokens_source=tokenizer", () => {
    const counted = (i: number): RequestRecord => ({ ...ok(i), tokensSource: "tokenizer" });
    const [row] = scenarioRows(ctx, "chat", [{ scenario: "p8", concurrency: 4, repetitions: reps(2, counted) }]);
    expect(row).toMatchObject({ tokens_source: "tokenizer", output_tokens_mean: 3 });
    expect(Number(row.output_tok_s)).toBeGreaterThan(0);
  });
});

describe("reading runs of every schema", () => {
  it("a schema-2 run: the report keys scenarios on scenario_concurrency, parameters stay the point's", () => {
    const dir = mkdtempSync(join(tmpdir(), "tunelab-v2-"));
    const store = new RunStore(dir, ["concurrency"]);
    store.writeManifest({
      schema_version: MANIFEST_SCHEMA_VERSION, lab_version: "0.1.0", grid_name: "g", grid_file: "g.yaml", grid_sha256: "x", grid: {}, engine: "llamacpp",
      launcher: "local", simulated: false, param_names: ["concurrency"], server_params: [], client_params: ["concurrency"],
      host: { hostname: "h", cpu: "c", cores: 1, memory_gib: 1, gpus: [] }, started_at: "t", points_total: 1,
    });
    store.commitPoint(scenarioRows({ ...ctx, point: { ...point, params: { concurrency: 4 } } }, "ttft", [{ scenario: "warm", concurrency: 1, repetitions: reps(2, ok) }]), []);
    const header = Object.keys(readCsv(join(dir, "points.csv"))[0]);
    expect(header.slice(0, 5)).toEqual(["point_id", "status", "failure", "concurrency", "suite"]);
    const run = loadRun(dir);
    expect(run.rows[0].concurrency).toBe(1);
    expect(run.rows[0].params.concurrency).toBe(4);
    expect(run.rows[0].values.requests_sent).toBe(6);
  });

  it("a schema-1 run still reads `concurrency` and `requests` as what the scenario ran, and compares with a schema-2 run", () => {
    const v1 = loadRun("test/fixtures/runs/vllm-glm");
    expect(v1.schemaVersion).toBe(1);
    const c5 = v1.rows.find((r) => r.suite === "concurrency" && r.concurrency === 5)!;
    expect(c5.values.requests_sent).toBe(c5.values.requests);
    expect(compareRuns(v1, v1).rows.length).toBeGreaterThan(0);
  });

  it("a column nobody declared is appended to points.csv, never dropped", () => {
    const dir = mkdtempSync(join(tmpdir(), "tunelab-extra-"));
    const store = new RunStore(dir, []);
    store.commitPoint([{ point_id: "p", status: "ok", suite: "s", gpu_power_w_mean: 312 }], []);
    expect(readCsv(join(dir, "points.csv"))[0].gpu_power_w_mean).toBe("312");
  });
});
