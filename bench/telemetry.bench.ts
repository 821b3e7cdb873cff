/**
 * The telemetry agent's own CPU at the default interval: `npx tsx bench/telemetry.bench.ts`.
 *
 * The agent (src/telemetry/agent.sh) runs in its own process group beside a stand-in engine (`sleep`, in its
 * own group); after a warm-up its group's CPU time (utime + stime + reaped children, from /proc) is read at
 * the start and end of a steady stretch of TELEMETRY_BENCH_S seconds (default 30). The figure is % of one core;
 * the target is <= 1 %. The /proc sampler scans every process on the host every 8th sample, so it is also
 * measured with TELEMETRY_BENCH_EXTRA (default 400) extra processes, like a busy GPU server.
 * The nvidia path runs the real `nvidia-smi` when one answers (the GPU box: its CPU counts); otherwise the
 * stand-in of the tests, whose own process is left out, so the figure is the agent's tagging loop alone.
 * tinybench times the lab's side: reading an hour of samples from the agent's output.
 */
import { readdirSync, readFileSync, writeFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { execa, type ResultPromise } from "execa";
import { Bench } from "tinybench";
import { agentScript } from "../src/telemetry/agent.ts";
import { AgentFeed } from "../src/telemetry/feed.ts";
import { DEFAULT_INTERVAL_MS } from "../src/telemetry/config.ts";

const SECONDS = Number(process.env.TELEMETRY_BENCH_S ?? 30);
const EXTRA = Number(process.env.TELEMETRY_BENCH_EXTRA ?? 400);
const WARMUP_MS = 2000;
const TARGET_PCT = 1;
const TICKS = Number((await execa("getconf", ["CLK_TCK"])).stdout);

interface Stat {
  pid: number;
  comm: string;
  pgrp: number;
  ticks: number;
}

function stats(): Stat[] {
  const out: Stat[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const text = readFileSync(`/proc/${entry}/stat`, "utf8");
      const comm = text.slice(text.indexOf("(") + 1, text.lastIndexOf(")"));
      const f = text.slice(text.lastIndexOf(")") + 2).split(" ");
      out.push({ pid: Number(entry), comm, pgrp: Number(f[2]), ticks: Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]) });
    } catch {
      /* gone */
    }
  }
  return out;
}

/** CPU seconds used so far by a process group, leaving out processes named in `exclude` (and what they reaped). */
function groupCpuS(pgrp: number, exclude: string[]): number {
  return stats().filter((s) => s.pgrp === pgrp && !exclude.includes(s.comm)).reduce((sum, s) => sum + s.ticks, 0) / TICKS;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function measure(label: string, kind: string, env: Record<string, string>, exclude: string[] = []): Promise<number> {
  const engine = execa("sleep", [String(SECONDS + 30)], { detached: true, reject: false });
  const agent = execa("bash", ["-c", agentScript(), "tunelab-telemetry", String(engine.pid), kind, String(DEFAULT_INTERVAL_MS)], {
    env, detached: true, reject: false, buffer: false, stdout: "pipe",
  });
  let lines = 0;
  agent.stdout?.on("data", (chunk: Buffer) => (lines += chunk.toString().split("\n").length - 1));
  await sleep(WARMUP_MS);
  const before = groupCpuS(agent.pid!, exclude);
  const linesBefore = lines;
  await sleep(SECONDS * 1000);
  const used = groupCpuS(agent.pid!, exclude) - before;
  const samples = lines - linesBefore;
  engine.kill("SIGKILL");
  await Promise.all([engine, agent]);
  const pct = (used / SECONDS) * 100;
  console.log(`${label.padEnd(58)} ${pct.toFixed(2).padStart(5)} % of one core (${(used * 1000).toFixed(0)} ms CPU in ${SECONDS} s, ${samples} lines)  (target <= ${TARGET_PCT}: ${pct <= TARGET_PCT ? "ok" : "OVER"})`);
  return pct;
}

async function withExtraProcesses<T>(n: number, run: () => Promise<T>): Promise<T> {
  const extra: ResultPromise[] = Array.from({ length: n }, () => execa("sleep", ["3600"], { reject: false }));
  try {
    return await run();
  } finally {
    for (const p of extra) p.kill("SIGKILL");
    await Promise.allSettled(extra);
  }
}

const realGpu = (await execa("nvidia-smi", ["-L"], { reject: false }).catch(() => ({ exitCode: 1 }))).exitCode === 0;
console.log(`telemetry agent CPU at the default interval (${DEFAULT_INTERVAL_MS} ms), ${SECONDS} s after a ${WARMUP_MS / 1000} s warm-up; ${stats().length} processes on this host`);
await measure("proc sampler (engine's process group from /proc)", "proc", {});
await withExtraProcesses(EXTRA, () => measure(`proc sampler, with ${EXTRA} more processes on the host`, "proc", {}));
if (realGpu) await measure("nvidia sampler: real nvidia-smi -lms 250 + the agent", "nvidia", {});
else await measure("nvidia sampler: agent's tagging loop (stand-in nvidia-smi left out)", "nvidia", { PATH: `${resolve("test/fixtures/fake-gpu")}:${process.env.PATH}` }, ["nvidia-smi", "sleep"]);

// the lab's side: an hour of 2-GPU samples at 250 ms, read from the agent's output file
const file = join(mkdtempSync(join(tmpdir(), "tunelab-bench-")), "agent.out");
const hour = (3600 * 1000) / DEFAULT_INTERVAL_MS;
const lines = ["#kind nvidia"];
for (let i = 0; i < hour; i++) {
  const t = (1_700_000_000 + (i * DEFAULT_INTERVAL_MS) / 1000).toFixed(6);
  lines.push(`${t},0, 20000, 24564, 80, 100.50, 60, 2520`, `${t},1, 12000, 24564, 50, 49.50, 67, 2505`);
}
writeFileSync(file, lines.join("\n") + "\n");
const bench = new Bench({ name: "lab side", time: 1000 });
bench.add(`AgentFeed.read: one hour of 2-GPU samples (${hour} samples)`, () => {
  const feed = new AgentFeed(file, (s) => s * 1e9, () => {});
  feed.read();
  if (feed.samples.length !== hour) throw new Error(`read ${feed.samples.length} samples`);
});
await bench.run();
console.table(bench.table());
