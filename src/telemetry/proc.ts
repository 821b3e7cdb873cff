import { engineCpuS } from "../metrics/engine-cpu.ts";
import { engineRssGiBMax } from "../metrics/engine-rss.ts";
import { tokensPer } from "../metrics/token-efficiency.ts";
import { KIB_PER_GIB } from "./samples.ts";
import type { Sampler } from "./types.ts";
import { samplesFor } from "./windows.ts";

function int(text: string | undefined): number | undefined {
  return text !== undefined && /^\d+$/.test(text.trim()) ? Number(text) : undefined;
}

/** The engine's process group from /proc: `cpu_ms,rss_kib,processes` per line. */
export const procSampler: Sampler = {
  kind: "proc",
  add(series, { tNs, wallS }, fields) {
    const [cpu, rss, processes] = fields.map(int);
    if (fields.length !== 3 || cpu === undefined || rss === undefined || processes === undefined) return false;
    const last = series.at(-1);
    const previous = last?.cpuRawMs;
    // a process that exits takes its CPU time with it: the counter keeps what it had, and grows from there
    const cpuMs = last?.cpuMs === undefined || previous === undefined ? cpu : last.cpuMs + Math.max(0, cpu - previous);
    series.push({ tNs, wallS, cpuMs, cpuRawMs: cpu, rssKiB: rss, processes });
    return true;
  },
  scenarioColumns(series, windows) {
    const cpu = engineCpuS(series, windows);
    return {
      engine_cpu_s: cpu, engine_rss_gib_max: engineRssGiBMax(windows.flatMap((w) => samplesFor(series, w))),
      tokens_per_cpu_s: tokensPer(windows.reduce((n, w) => n + w.outputTokens, 0), cpu),
    };
  },
  engineColumns() {
    return {};
  },
  csvRows(sample) {
    return [{
      engine_cpu_s: sample.cpuMs === undefined ? undefined : sample.cpuMs / 1000,
      engine_rss_gib: sample.rssKiB === undefined ? undefined : sample.rssKiB / KIB_PER_GIB, processes: sample.processes,
    }];
  },
};
