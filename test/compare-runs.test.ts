import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { compareRuns } from "../src/report/compare/join.ts";
import { writeComparison } from "../src/report/compare/write.ts";
import { loadRun } from "../src/report/load-run.ts";

const FIX = "test/fixtures/runs";

describe("compare", () => {
  it("joins llama.cpp and vLLM on suite, scenario and concurrency: llama.cpp wins one user, vLLM wins five (seed 001)", () => {
    const c = compareRuns(loadRun(`${FIX}/llamacpp-glm`), loadRun(`${FIX}/vllm-glm`));
    expect(c.sharedParams).toEqual([]);
    expect(c.rows.map((r) => `${r.suite}/${r.scenario}@${r.concurrency}`)).toEqual([
      "ttft/cold@1", "ttft/warm@1", "decode/default@1", "concurrency/c1@1", "concurrency/c2@2", "concurrency/c5@5", "chat/default@1",
    ]);
    const c5 = c.rows.find((r) => r.scenario === "c5")!;
    expect(c5.a).toMatchObject({ config: "parallel=5 ubatch-size=512", candidates: 3 });
    expect(c5.a.metrics.output_tok_s).toBe(121);
    expect(c5.b).toMatchObject({ config: "gpu-memory-utilization=0.92 autotune=true", candidates: 2 });
    expect(c5.b.metrics.output_tok_s).toBe(216);
    expect(c5.ratios.output_tok_s).toBeCloseTo(216 / 121, 6);
    const decode = c.rows.find((r) => r.suite === "decode")!;
    expect(decode.a.metrics.output_tok_s).toBe(110);
    expect(decode.b.metrics.output_tok_s).toBe(55);
    expect(decode.ratios.output_tok_s).toBeCloseTo(0.5, 6);
    expect(c.notShared).toEqual([
      "parameters only in A: parallel, ubatch-size",
      "parameters only in B: gpu-memory-utilization, autotune",
      "engine differs: A llamacpp, B vllm",
      "model differs: A /models/GLM-4.7-Flash-Q4_K_M.gguf, B QuantTrio/GLM-4.7-Flash-AWQ",
    ]);
  });

  it("compares runs from different lab versions on what they share and lists the rest", () => {
    const c = compareRuns(loadRun(`${FIX}/legacy-v0`), loadRun(`${FIX}/llamacpp-glm`));
    expect(c.sharedParams).toEqual(["parallel"]);
    const keys = c.rows.map((r) => `${r.scenario} parallel=${r.shared.parallel}`);
    expect(keys).toEqual(["c1 parallel=1", "c2 parallel=1", "c5 parallel=1", "c1 parallel=5", "c2 parallel=5", "c5 parallel=5"]);
    const p1c5 = c.rows.find((r) => r.scenario === "c5" && r.shared.parallel === 1)!;
    expect(p1c5.a.metrics.output_tok_s).toBe(110);
    expect(p1c5.b.metrics.output_tok_s).toBe(112);
    expect(p1c5.b.config).toBe("parallel=1 ubatch-size=2048");
    expect(c.notShared).toContain("scenarios only in B: ttft/cold@c1, ttft/warm@c1, decode/default@c1, chat/default@c1");
    expect(c.notShared).toContain("parameters only in B: ubatch-size");
    expect(c.notShared).toContain("CSV schema differs: A 0, B 1");
    expect(c.notShared).toContain("lab version differs: A 0.0.1, B 0.1.0");
  });

  it("writes compare.csv with side-by-side values and ratios, and a report", async () => {
    const out = mkdtempSync(join(tmpdir(), "tunelab-compare-"));
    const { files } = await writeComparison(`${FIX}/llamacpp-glm`, `${FIX}/vllm-glm`, out);
    expect(files).toContain(join(out, "index.html"));
    const rows = parse(readFileSync(join(out, "compare.csv"), "utf8"), { columns: true }) as Array<Record<string, string>>;
    const c5 = rows.find((r) => r.scenario === "c5")!;
    expect(c5).toMatchObject({ suite: "concurrency", concurrency: "5", a_output_tok_s: "121", b_output_tok_s: "216", a_candidates: "3", b_candidates: "2" });
    expect(Number(c5.ratio_output_tok_s)).toBeCloseTo(1.785124, 5);
    expect(readFileSync(join(out, "index.html"), "utf8")).toContain("engine differs: A llamacpp, B vllm");
    expect(readFileSync(join(out, "compare-output-tok-s.svg"), "utf8")).toContain("<svg");
  });
});
