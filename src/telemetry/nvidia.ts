import { energyJ } from "../metrics/energy.ts";
import { gpuMemHeadroomGiB, gpuMemUsedGiBMax } from "../metrics/gpu-memory.ts";
import { gpuTempCMax } from "../metrics/gpu-temperature.ts";
import { gpuUtilMean } from "../metrics/gpu-utilization.ts";
import { powerWMean } from "../metrics/power.ts";
import { tokensPer } from "../metrics/token-efficiency.ts";
import { MIB_PER_GIB, type GpuReading } from "./samples.ts";
import type { Sampler } from "./types.ts";
import { samplesFor } from "./windows.ts";

/** Lines of one nvidia-smi loop arrive together; a line this much later starts a new sample. */
const SAME_LOOP_NS = 20_000_000;

/** nvidia-smi's `[N/A]`, `[Not Supported]` and empty fields are unknown. */
function num(text: string | undefined): number | undefined {
  const v = Number(text?.trim());
  return text === undefined || text.trim() === "" || !Number.isFinite(v) ? undefined : v;
}

/** `nvidia-smi --query-gpu=index,memory.used,memory.total,utilization.gpu,power.draw,temperature.gpu,clocks.sm`. */
export const nvidiaSampler: Sampler = {
  kind: "nvidia",
  add(series, { tNs, wallS }, fields) {
    const gpu = num(fields[0]);
    if (fields.length !== 7 || gpu === undefined) return false;
    const reading: GpuReading = {
      gpu, memUsedMiB: num(fields[1]), memTotalMiB: num(fields[2]), utilPct: num(fields[3]), powerW: num(fields[4]),
      tempC: num(fields[5]), smMHz: num(fields[6]),
    };
    const last = series.at(-1);
    if (last?.gpus && tNs - last.tNs < SAME_LOOP_NS && !last.gpus.some((g) => g.gpu === gpu)) last.gpus.push(reading);
    else series.push({ tNs, wallS, gpus: [reading] });
    return true;
  },
  scenarioColumns(series, windows) {
    const inside = windows.flatMap((w) => samplesFor(series, w));
    const energy = energyJ(series, windows);
    return {
      gpu_mem_used_gib_max: gpuMemUsedGiBMax(inside), gpu_util_mean: gpuUtilMean(inside), power_w_mean: powerWMean(series, windows),
      energy_j: energy, tokens_per_joule: tokensPer(windows.reduce((n, w) => n + w.outputTokens, 0), energy), temp_c_max: gpuTempCMax(inside),
    };
  },
  engineColumns(series) {
    return { gpu_mem_headroom_gib: gpuMemHeadroomGiB(series) };
  },
  csvRows(sample) {
    return (sample.gpus ?? []).map((g) => ({
      gpu: g.gpu, gpu_mem_used_gib: g.memUsedMiB === undefined ? undefined : g.memUsedMiB / MIB_PER_GIB,
      gpu_mem_total_gib: g.memTotalMiB === undefined ? undefined : g.memTotalMiB / MIB_PER_GIB,
      gpu_util_pct: g.utilPct, power_w: g.powerW, temp_c: g.tempC, sm_clock_mhz: g.smMHz,
    }));
  },
};
