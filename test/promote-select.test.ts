import { describe, expect, it } from "vitest";
import { LabError } from "../src/errors.ts";
import { loadRun } from "../src/report/load-run.ts";
import { selectWinner } from "../src/report/select.ts";
import { paretoFront } from "../src/report/pareto.ts";
import { promote } from "../src/promote/promote.ts";

const FIX = "test/fixtures/runs";

describe("winner selection", () => {
  it("defaults to max output_tok_s at the highest-concurrency scenario; failed configurations never win", () => {
    const sel = selectWinner(loadRun(`${FIX}/llamacpp-glm`));
    expect(sel.objective).toEqual({ metric: "output_tok_s", scenario: undefined, direction: "max" });
    expect(sel.scenario).toBe("concurrency/c5@c5");
    expect(sel.winner?.candidate.server).toEqual({ parallel: 5, "ubatch-size": 512 });
    expect(sel.winner?.objective).toBe(121);
    expect(sel.runnerUp?.candidate.server).toEqual({ parallel: 1, "ubatch-size": 2048 });
    const failed = sel.evaluated.find((e) => e.candidate.server["ubatch-size"] === 2048 && e.candidate.server.parallel === 5)!;
    expect(failed.excluded).toBe("failed (oom)");
    expect(sel.latencyMetric).toBe("ttft_ms_p99");
    expect(sel.front.map((e) => e.candidate.label)).toEqual(["parallel=1 ubatch-size=2048", "parallel=5 ubatch-size=512"]);
  });

  it("takes METRIC@SCENARIO objectives: single-user decode favours parallel=1", () => {
    const sel = selectWinner(loadRun(`${FIX}/llamacpp-glm`), { objective: "output_tok_s@decode" });
    expect(sel.scenario).toBe("decode/default@c1");
    expect(sel.winner?.candidate.label).toBe("parallel=1 ubatch-size=2048");
    const latency = selectWinner(loadRun(`${FIX}/vllm-glm`), { objective: "ttft_ms_p50@ttft/cold" });
    expect(latency.objective.direction).toBe("min");
    expect(latency.winner?.objective).toBe(490);
  });

  it("filters by SLOs, including @* over every scenario", () => {
    const run = loadRun(`${FIX}/llamacpp-glm`);
    const sel = selectWinner(run, { slos: ["ttft_ms_p99<=570"] });
    expect(sel.winner?.candidate.label).toBe("parallel=1 ubatch-size=2048");
    expect(sel.winner?.checks).toEqual([{ slo: expect.objectContaining({ metric: "ttft_ms_p99", op: "<=", limit: 570 }), scenario: "concurrency/c5@c5", value: 556.8, ok: true }]);
    const all = selectWinner(run, { slos: ["ttft_ms_p99@*<=1200"] });
    expect(all.winner?.candidate.label).toBe("parallel=1 ubatch-size=2048");
    expect(all.evaluated.find((e) => e.candidate.label === "parallel=5 ubatch-size=512")?.excluded).toMatch(/ttft_ms_p99<=1200 at ttft\/cold@c1 \(1616\)/);
  });

  it("exits 2 naming the closest configuration and the SLO it missed", () => {
    let err: unknown;
    try {
      promote(`${FIX}/vllm-glm`, { slos: ["ttft_ms_p99<=300", "output_tok_s>=100"] });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(LabError);
    expect((err as LabError).exitCode).toBe(2);
    expect((err as LabError).message).toBe(
      "no configuration meets the SLOs; closest: gpu-memory-utilization=0.92 autotune=true (points 6ce25dd240) misses ttft_ms_p99<=300 at concurrency/c5@c5 (480)",
    );
  });

  it("rejects unknown metrics and ambiguous scenarios with the fix", () => {
    const run = loadRun(`${FIX}/vllm-glm`);
    expect(() => selectWinner(run, { objective: "tok_s" })).toThrow(/unknown metric 'tok_s'/);
    expect(() => selectWinner(run, { objective: "output_tok_s@ttft" })).toThrow(/matches several scenarios \(ttft\/cold@c1, ttft\/warm@c1\)/);
    expect(() => selectWinner(run, { slos: ["ttft_ms_p99=<3"] })).toThrow(/expected METRIC\[@SCENARIO\]<=VALUE/);
  });

  it("computes a Pareto front over latency (lower) and throughput (higher)", () => {
    const pts = [
      { id: "a", latency: 100, throughput: 50 }, { id: "b", latency: 200, throughput: 80 },
      { id: "c", latency: 150, throughput: 40 }, { id: "d", latency: 300, throughput: 80 },
    ];
    expect(paretoFront(pts).map((p) => p.id)).toEqual(["a", "b"]);
  });
});
