import { mkdtempSync, writeFileSync, appendFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { energyJ, totalPower } from "../src/metrics/energy.ts";
import { integrate, valueAt } from "../src/metrics/interpolate.ts";
import { AgentFeed, type AgentNotice } from "../src/telemetry/feed.ts";
import { nvidiaSampler } from "../src/telemetry/nvidia.ts";
import { procSampler } from "../src/telemetry/proc.ts";
import type { Sample, ScenarioWindow } from "../src/telemetry/samples.ts";
import { covers, samplesFor } from "../src/telemetry/windows.ts";
import { parseGrid } from "../src/grid/load.ts";
import type { LabError } from "../src/errors.ts";

const S = 1_000_000_000;
const window = (startS: number, endS: number, outputTokens = 0, repetition = 0): ScenarioWindow =>
  ({ suite: "chat", scenario: "p", repetition, startNs: startS * S, endNs: endS * S, outputTokens });

/** Two GPUs sampled every second: GPU 0 draws 100 W, then 200 W from t=2 s; GPU 1 draws 50 W throughout. */
function gpuSeries(): Sample[] {
  const series: Sample[] = [];
  const mem1 = [10000, 12000, 11000, 10500, 10000];
  const temp1 = [66, 67, 75, 65, 64];
  for (let t = 0; t <= 4; t++) {
    const at = { tNs: t * S, wallS: 1_700_000_000 + t };
    nvidiaSampler.add(series, at, ["0", " 20000", " 24564", " 80", ` ${t < 2 ? "100.00" : "200.00"}`, " 60", " 2520"]);
    nvidiaSampler.add(series, { ...at, tNs: at.tNs + 1000 }, ["1", ` ${mem1[t]}`, " 24564", " 40", " 50.00", ` ${temp1[t]}`, " 2505"]);
  }
  return series;
}

describe("telemetry aggregation, checked by hand", () => {
  it("groups the GPUs of one nvidia-smi loop into one sample", () => {
    const series = gpuSeries();
    expect(series).toHaveLength(5);
    expect(series[2].gpus?.map((g) => g.gpu)).toEqual([0, 1]);
    expect(series[2].gpus?.[0]).toEqual({ gpu: 0, memUsedMiB: 20000, memTotalMiB: 24564, utilPct: 80, powerW: 200, tempC: 60, smMHz: 2520 });
  });

  it("GPU columns of a scenario window: energy integrates total power linearly between samples", () => {
    // total power: 150 W at 0 and 1 s, 250 W at 2, 3, 4 s. Over [0.5, 3.5] s:
    // 0.5..1: 150 x 0.5 = 75 J; 1..2: (150 + 250) / 2 x 1 = 200 J; 2..3: 250 J; 3..3.5: 125 J => 650 J
    const cols = nvidiaSampler.scenarioColumns(gpuSeries(), [window(0.5, 3.5, 300)]);
    expect(cols.energy_j).toBeCloseTo(650, 9);
    expect(cols.power_w_mean).toBeCloseTo(650 / 3, 9);
    expect(cols.tokens_per_joule).toBeCloseTo(300 / 650, 12);
    // samples inside [0.5, 3.5]: t = 1, 2, 3
    expect(cols.gpu_mem_used_gib_max).toBe(20000 / 1024);
    expect(cols.gpu_util_mean).toBe(60); // (80 + 40) / 2 at every sample
    expect(cols.temp_c_max).toBe(75); // GPU 1 at t = 2
  });

  it("sums energy and tokens over the repetitions of a scenario", () => {
    // [0, 1]: 150 J; [2, 4]: 500 J
    const cols = nvidiaSampler.scenarioColumns(gpuSeries(), [window(0, 1, 100), window(2, 4, 400, 1)]);
    expect(cols.energy_j).toBeCloseTo(650, 9);
    expect(cols.tokens_per_joule).toBeCloseTo(500 / 650, 12);
    expect(cols.power_w_mean).toBeCloseTo(650 / 3, 9);
  });

  it("headroom per engine start: total minus the peak, on the tightest GPU", () => {
    // GPU 0 peaks at 20000 of 24564 MiB (4564 left); GPU 1 at 12000 (12564 left)
    expect(nvidiaSampler.engineColumns(gpuSeries()).gpu_mem_headroom_gib).toBe(4564 / 1024);
  });

  it("a window shorter than the interval takes the samples around it; [N/A] power leaves energy empty", () => {
    const series = gpuSeries();
    expect(samplesFor(series, window(2.2, 2.4)).map((s) => s.tNs)).toEqual([2 * S, 3 * S]);
    const na: Sample[] = [];
    nvidiaSampler.add(na, { tNs: 0, wallS: 0 }, ["0", "100", "24564", "5", "[N/A]", "40", "210"]);
    nvidiaSampler.add(na, { tNs: S, wallS: 1 }, ["0", "100", "24564", "5", "[Not Supported]", "40", "210"]);
    const cols = nvidiaSampler.scenarioColumns(na, [window(0, 1, 10)]);
    expect(cols.energy_j).toBeUndefined();
    expect(cols.tokens_per_joule).toBeUndefined();
    expect(cols.gpu_util_mean).toBe(5);
  });

  it("a window is covered only when samples reach both of its ends", () => {
    const series = gpuSeries();
    expect(covers(series, window(0.5, 3.5), 0.25 * S)).toBe(true);
    expect(covers(series, window(0.5, 6), 0.25 * S)).toBe(false); // the sampler stopped at 4 s
  });

  it("proc: CPU seconds from the cumulative counter, which keeps what an exited process used", () => {
    const series: Sample[] = [];
    const raw = [0, 1000, 2000, 500, 1500]; // at t=3 s a process that had used 1500 ms exited
    raw.forEach((cpu, t) => procSampler.add(series, { tNs: t * S, wallS: t }, [String(cpu), String((t + 1) * 1024 * 100), "3"]));
    expect(series.map((s) => s.cpuMs)).toEqual([0, 1000, 2000, 2000, 3000]);
    // C(0.5) = 500 ms, C(3.5) = 2500 ms => 2 s; RSS peaks inside [0.5, 3.5] at t = 3: 400 MiB
    const cols = procSampler.scenarioColumns(series, [window(0.5, 3.5, 64)]);
    expect(cols.engine_cpu_s).toBeCloseTo(2, 12);
    expect(cols.engine_rss_gib_max).toBe(400 / 1024);
    expect(cols.tokens_per_cpu_s).toBeCloseTo(32, 12);
    expect(procSampler.add(series, { tNs: 0, wallS: 0 }, ["x", "1", "1"])).toBe(false);
  });

  it("interpolation holds the ends and integrates exactly", () => {
    const pts = [{ tNs: S, value: 10 }, { tNs: 3 * S, value: 30 }];
    expect(valueAt(pts, 0)).toBe(10);
    expect(valueAt(pts, 2 * S)).toBe(20);
    expect(valueAt(pts, 9 * S)).toBe(30);
    expect(integrate(pts, 0, 4 * S)).toBeCloseTo(10 + 40 + 30, 9);
  });
});

describe("the agent's output, read as it grows", () => {
  it("reads samples, waits for a partial line, and reports notices", () => {
    const file = join(mkdtempSync(join(tmpdir(), "tunelab-feed-")), "s.out");
    writeFileSync(file, "#kind nvidia\n100.5,0, 20000, 24564, 80, 100.50, 60, 2520\n100.5001,1, 100");
    const notices: AgentNotice[] = [];
    const feed = new AgentFeed(file, (wallS) => Math.round((wallS - 100) * S), (n) => notices.push(n));
    feed.read();
    expect(feed.sampler?.kind).toBe("nvidia");
    expect(feed.samples).toHaveLength(1);
    expect(feed.samples[0].tNs).toBe(0.5 * S);
    appendFileSync(file, "00, 24564, 30, 49.50, 66, 2505\n#restart nvidia sampler exited with status 1 (x)\n#error nvidia-smi on n1 exited twice\n");
    feed.read();
    expect(feed.samples).toHaveLength(1);
    expect(feed.samples[0].gpus?.[1]).toMatchObject({ gpu: 1, memUsedMiB: 10000, powerW: 49.5 });
    expect(notices).toEqual([
      { level: "restart", text: "nvidia sampler exited with status 1 (x)", kind: "nvidia" },
      { level: "error", text: "nvidia-smi on n1 exited twice", kind: "nvidia" },
    ]);
    expect(feed.ended).toBe(true);
  });
});

describe("grid field telemetry", () => {
  const base = "name: t\nengine: llamacpp\nmodel: tiny\nsuites: [{ kind: chat }]\n";
  it("defaults to auto at 250 ms; `off`, `false` and an object form are accepted", () => {
    expect(parseGrid(base).telemetry).toEqual({ kind: "auto", interval_ms: 250 });
    expect(parseGrid(base + "telemetry: off\n").telemetry.kind).toBe("off");
    expect(parseGrid(base + "telemetry: false\n").telemetry.kind).toBe("off");
    expect(parseGrid(base + "telemetry: { kind: nvidia, interval_ms: 100 }\n").telemetry).toEqual({ kind: "nvidia", interval_ms: 100 });
  });
  it("an unknown kind names the field and the known kinds", () => {
    let err: LabError | undefined;
    try {
      parseGrid(base + "telemetry: rocm\n", "g.yaml");
    } catch (e) {
      err = e as LabError;
    }
    expect(err?.exitCode).toBe(2);
    expect(err?.message).toBe("g.yaml: field 'telemetry': unknown telemetry kind 'rocm'");
    expect(err?.hint).toBe("known: auto, off, nvidia, proc");
  });
});

describe("total GPU power when a tick's lines arrive apart", () => {
  it("a GPU missing from a sample counts with its latest reading, so the total stays the sum of all GPUs", () => {
    const gpu = (id: number, powerW: number) => ({ gpu: id, powerW });
    // two GPUs at a steady 100 W + 50 W; the second tick's lines landed in two samples (loaded machine)
    const samples = [
      { tNs: 0, wallS: 0, gpus: [gpu(0, 100), gpu(1, 50)] },
      { tNs: 1e9, wallS: 1, gpus: [gpu(0, 100)] },
      { tNs: 1.05e9, wallS: 1.05, gpus: [gpu(1, 50)] },
      { tNs: 2e9, wallS: 2, gpus: [gpu(0, 100), gpu(1, 50)] },
    ] as Sample[];
    expect(totalPower(samples).map((p) => p.value)).toEqual([150, 150, 150, 150]);
    const window = { suite: "chat", scenario: "s", repetition: 0, startNs: 0, endNs: 2e9, outputTokens: 10 } as ScenarioWindow;
    expect(energyJ(samples, [window])).toBeCloseTo(300, 6);
    // before any reading of the second GPU, no total is known
    expect(totalPower([{ tNs: 0, wallS: 0, gpus: [gpu(0, 100)] }, { tNs: 1e9, wallS: 1, gpus: [gpu(1, 50)] }] as Sample[]).map((p) => p.value)).toEqual([150]);
  });
});
