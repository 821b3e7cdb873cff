import { describe, expect, it } from "vitest";
import { parseBudget, budgetSeconds } from "../src/tune/budget.ts";
import { predictsFailure, sameMemory } from "../src/tune/predict.ts";
import { tpeScores } from "../src/tune/tpe.ts";
import { tuneObjective } from "../src/tune/objective.ts";
import { GridSchema } from "../src/grid/schema.ts";

describe("tune building blocks", () => {
  it("oom at gpu-memory-utilization g predicts every value >= g when the other memory flags are equal", () => {
    const failed = { "gpu-memory-utilization": 0.92, "max-num-batched-tokens": 8192, "enforce-eager": false, autotune: true };
    expect(predictsFailure("oom", failed, { ...failed, "gpu-memory-utilization": 0.95, autotune: false })).toBe(true);
    expect(predictsFailure("oom", failed, { ...failed, "gpu-memory-utilization": 0.9 })).toBe(false);
    expect(predictsFailure("oom", failed, { ...failed, "gpu-memory-utilization": 0.95, "max-num-batched-tokens": 16384 })).toBe(false);
    expect(predictsFailure("oom", failed, { ...failed, "gpu-memory-utilization": 0.95, "enforce-eager": true })).toBe(false);
    const short = { "max-model-len": 65536, "gpu-memory-utilization": 0.9 };
    expect(predictsFailure("kv_cache_too_small", short, { ...short, "max-model-len": 131072 })).toBe(true);
    expect(predictsFailure("kv_cache_too_small", short, { ...short, "max-model-len": 32768 })).toBe(false);
    expect(predictsFailure("crashed", failed, { ...failed, "gpu-memory-utilization": 0.95 })).toBe(false);
    expect(sameMemory({ "ctx-size": 4096, parallel: 2 }, { "ctx-size": 4096, parallel: 2, "cache-reuse": 256 })).toBe(true);
  });

  it("TPE rates candidates like the good observations above those like the bad ones", () => {
    const values = { eager: [false, true], mnbt: [8192, 32768] };
    const observed = [
      { params: { eager: false, mnbt: 8192 }, score: 50 }, { params: { eager: false, mnbt: 32768 }, score: 48 },
      { params: { eager: true, mnbt: 8192 }, score: 12 }, { params: { eager: true, mnbt: 32768 }, score: 11 },
      { params: { eager: true, mnbt: 8192 }, score: 13 }, { params: { eager: true, mnbt: 32768 }, score: 10 },
    ];
    const [fast, slow] = tpeScores([{ eager: false, mnbt: 8192 }, { eager: true, mnbt: 8192 }], observed, values);
    expect(fast).toBeGreaterThan(slow);
    expect(tpeScores([{ eager: true, mnbt: 8192 }], observed.slice(0, 1), values)).toEqual([1]);
  });

  it("parses budgets and rejects what is not one", () => {
    expect(budgetSeconds(parseBudget("35%"), 1000)).toBeCloseTo(350);
    expect(budgetSeconds(parseBudget("5000"), 1000)).toBe(5000);
    expect(() => parseBudget("lots")).toThrow(/expected a share/);
    expect(() => parseBudget("0%")).toThrow(/expected a share/);
  });

  it("an objective that no suite of the grid measures is bad input naming the suite that would", () => {
    const grid = GridSchema.parse({ name: "g", engine: "vllm", model: "m", suites: [{ kind: "decode" }] });
    expect(() => tuneObjective(grid, "capacity_sessions")).toThrow(/no suite of grid 'g' measures capacity_sessions/);
    expect(() => tuneObjective(grid, "tool_calls_ok")).toThrow(expect.objectContaining({ exitCode: 2, hint: expect.stringContaining("toolcall") }));
    expect(() => tuneObjective(grid, "output_tok_s@concurrency/c8")).toThrow(/does not run the concurrency suite/);
    expect(tuneObjective(grid, undefined)).toMatchObject({ metric: "output_tok_s", suite: "decode" });
  });
});
