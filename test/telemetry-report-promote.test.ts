import { cpSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as vl from "vega-lite";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { promote } from "../src/promote/promote.ts";
import { parseObjective } from "../src/report/objective.ts";
import { writeReport } from "../src/report/write-report.ts";

/** A vLLM run with GPU telemetry: gpu-memory-utilization 0.85 / 0.92 / 0.95 (OOM) x max-num-batched-tokens 8192 / 16384. */
const FIX = "test/fixtures/runs/vllm-telemetry";
const tmp = () => mkdtempSync(join(tmpdir(), "tunelab-telemetry-report-"));
const label = (gmu: number, mnbt: number) => `gpu-memory-utilization=${gmu} max-num-batched-tokens=${mnbt}`;

describe("telemetry in reports and promotion", () => {
  it("charts memory headroom by gpu-memory-utilization, and tokens per joule vs throughput with the Pareto front", async () => {
    const out = tmp();
    await writeReport(FIX, out);
    const memory = JSON.parse(readFileSync(join(out, "memory.vl.json"), "utf8"));
    expect(memory.title).toBe("GPU memory headroom by gpu-memory-utilization");
    expect(memory.data.values).toEqual([
      { value: "0.85", configuration: label(0.85, 8192), gib: 3.6 },
      { value: "0.85", configuration: label(0.85, 16384), gib: 3.5 },
      { value: "0.92", configuration: label(0.92, 8192), gib: 1.9 },
      { value: "0.92", configuration: label(0.92, 16384), gib: 1.8 },
    ]); // the 0.95 points failed to start (OOM): no headroom
    const efficiency = JSON.parse(readFileSync(join(out, "efficiency.vl.json"), "utf8"));
    expect(efficiency.title).toBe("Tokens per joule vs throughput: Pareto front (concurrency/c5@c5)");
    const status = Object.fromEntries(efficiency.data.values.map((v: { configuration: string; status: string }) => [v.configuration, v.status]));
    // (tok/s, tok/J) at c5: (200, .40) (210, .42) (216, .41) (225, .38); only the first is beaten on both axes;
    // the default winner (most output tok/s) is 0.92 / 16384
    expect(status).toEqual({
      [label(0.85, 8192)]: "dominated", [label(0.85, 16384)]: "Pareto front", [label(0.92, 8192)]: "Pareto front", [label(0.92, 16384)]: "winner",
    });
    for (const spec of [memory, efficiency]) expect(() => vl.compile(spec)).not.toThrow();
    expect(readFileSync(join(out, "memory.svg"), "utf8")).toContain("<svg");
    expect(readFileSync(join(out, "efficiency.svg"), "utf8")).toContain("<svg");
  });

  it("promotes by tokens_per_joule and records the winner's memory headroom in the profile", () => {
    const dir = join(tmp(), "run");
    cpSync(FIX, dir, { recursive: true });
    const result = promote(dir, { objective: "tokens_per_joule@c5" });
    expect(result.selection.winner?.candidate.label).toBe(label(0.85, 16384));
    expect(result.explanation).toContain("maximize tokens_per_joule @ concurrency/c5@c5 = 0.42");
    const profile = parse(readFileSync(join(result.dir, "profile.yaml"), "utf8"));
    expect(profile.objective).toEqual({ metric: "tokens_per_joule", direction: "max", scenario: "concurrency/c5@c5", value: 0.42 });
    expect(profile.memory).toEqual({ gpu_mem_headroom_gib: 3.5, gpu_mem_used_gib_max: 20.48 });
    expect(profile.metrics["concurrency/c5@c5"]).toMatchObject({ tokens_per_joule: 0.42, power_w_mean: 500 });
  });

  it("energy, power, memory used and CPU time are minimized; tokens per joule and headroom maximized", () => {
    for (const m of ["energy_j", "power_w_mean", "gpu_mem_used_gib_max", "temp_c_max", "engine_cpu_s", "engine_rss_gib_max"]) expect(parseObjective(m).direction, m).toBe("min");
    for (const m of ["tokens_per_joule", "tokens_per_cpu_s", "gpu_mem_headroom_gib", "gpu_util_mean"]) expect(parseObjective(m).direction, m).toBe("max");
  });
});
