import { MIB_PER_GIB, type Sample } from "../telemetry/samples.ts";

/** Most memory any one GPU held in these samples, in GiB. */
export function gpuMemUsedGiBMax(samples: readonly Sample[]): number | undefined {
  let max: number | undefined;
  for (const s of samples) for (const g of s.gpus ?? []) if (g.memUsedMiB !== undefined) max = Math.max(max ?? 0, g.memUsedMiB);
  return max === undefined ? undefined : max / MIB_PER_GIB;
}

/** Memory left on the tightest GPU at its peak: min over GPUs of (total - most used), in GiB. */
export function gpuMemHeadroomGiB(samples: readonly Sample[]): number | undefined {
  const peak = new Map<number, { used: number; total: number }>();
  for (const s of samples) {
    for (const g of s.gpus ?? []) {
      if (g.memUsedMiB === undefined || g.memTotalMiB === undefined) continue;
      const p = peak.get(g.gpu);
      peak.set(g.gpu, { used: Math.max(p?.used ?? 0, g.memUsedMiB), total: g.memTotalMiB });
    }
  }
  if (!peak.size) return undefined;
  return Math.min(...[...peak.values()].map((p) => p.total - p.used)) / MIB_PER_GIB;
}
