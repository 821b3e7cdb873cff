import { readdirSync, readFileSync } from "node:fs";

/** Pids of live processes whose command line contains `needle` (test-only check that nothing outlived bench). */
export function processesMatching(needle: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, "utf8");
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      if (cmdline.includes(needle) && !/\) Z /.test(stat)) pids.push(Number(entry));
    } catch {
      /* gone */
    }
  }
  return pids;
}

/** Pids of live processes whose command line or environment contains `needle` (sidecars marked only by their HOME). */
export function processesMentioning(needle: string): number[] {
  const pids = new Set(processesMatching(needle));
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const environ = readFileSync(`/proc/${entry}/environ`, "utf8");
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      if (environ.includes(needle) && !/\) Z /.test(stat)) pids.add(Number(entry));
    } catch {
      /* gone, or not ours to read */
    }
  }
  return [...pids];
}
