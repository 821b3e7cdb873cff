import { describe, expect, it } from "vitest";
import { loadRun, metricOf } from "../src/report/load-run.ts";

const FIX = "test/fixtures/runs";

describe("loadRun", () => {
  it("types cells: numbers, booleans, text ids; params in matrix order", () => {
    const run = loadRun(`${FIX}/vllm-glm`);
    expect(run.schemaVersion).toBe(1);
    expect(run.engine).toBe("vllm");
    expect(run.paramNames).toEqual(["gpu-memory-utilization", "autotune"]);
    const c5 = run.rows.find((r) => r.suite === "concurrency" && r.concurrency === 5 && r.params.autotune === true)!;
    expect(c5.params).toEqual({ "gpu-memory-utilization": 0.92, autotune: true });
    expect(metricOf(c5, "output_tok_s")).toBe(216);
    expect(typeof c5.pointId).toBe("string");
    expect(c5.values.itl_ms_mean).toBeUndefined();
    const failed = run.rows.filter((r) => r.status === "failed");
    expect(failed.map((r) => r.failure)).toEqual(["oom", "oom"]);
    expect(failed[0].values.failure_detail).toContain("less than desired GPU memory utilization");
  });

  it("loads an older run: no schema_version (=> 0), no param_names, missing columns", () => {
    const run = loadRun(`${FIX}/legacy-v0`);
    expect(run.schemaVersion).toBe(0);
    expect(run.paramNames).toEqual(["parallel"]);
    expect(run.serverParams).toEqual(["parallel"]);
    expect(run.gridName).toBe("glm-llamacpp-old");
    const row = run.rows.find((r) => r.status === "ok" && r.concurrency === 5 && r.params.parallel === 5)!;
    expect(metricOf(row, "output_tok_s")).toBe(121);
    expect(metricOf(row, "e2el_ms_p50")).toBeUndefined();
    expect(row.values.simulated).toBeUndefined();
    expect(run.rows.filter((r) => r.status === "failed").map((r) => r.failure)).toEqual(["invalid_config"]);
  });

  it("names the fix when the directory is not a run", () => {
    expect(() => loadRun("test/fixtures")).toThrow(/no points\.csv/);
  });
});
