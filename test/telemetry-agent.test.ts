import { copyFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { agentScript } from "../src/telemetry/agent.ts";

const FAKE_GPU = resolve("test/fixtures/fake-gpu");

/** Runs the agent against `pid` until it exits by itself (it stops when the process is gone). */
function agent(pid: number, kind: string, intervalMs: number, env: Record<string, string> = {}) {
  return execa("bash", ["-c", agentScript(), "tunelab-telemetry", String(pid), kind, String(intervalMs)], { env, reject: false, timeout: 30_000 });
}

/** A process in its own group that burns `cpuMs` of CPU, then idles for `idleMs`. */
function busyGroup(cpuMs: number, idleMs: number) {
  const code = `const t = process.cpuUsage(); while ((process.cpuUsage(t).user + process.cpuUsage(t).system) / 1000 < ${cpuMs}); setTimeout(() => {}, ${idleMs});`;
  return execa(process.execPath, ["-e", code], { detached: true, reject: false });
}

describe("telemetry agent (src/telemetry/agent.sh)", () => {
  it("proc: samples a real process group's CPU time and RSS from /proc, and stops when the engine is gone", async () => {
    const busy = busyGroup(500, 1500);
    const r = await agent(busy.pid!, "proc", 100);
    await busy;
    expect(r.exitCode, r.stderr).toBe(0);
    const lines = r.stdout.trim().split("\n");
    expect(lines[0]).toBe("#kind proc");
    const samples = lines.slice(1).map((l) => l.split(",").map(Number));
    expect(samples.length).toBeGreaterThanOrEqual(5);
    for (const [wallS, cpuMs, rssKiB, processes] of samples) {
      expect(Math.abs(wallS - Date.now() / 1000)).toBeLessThan(60);
      expect(cpuMs).toBeGreaterThanOrEqual(0);
      expect(rssKiB).toBeGreaterThan(10 * 1024); // node holds tens of MiB
      expect(processes).toBe(1);
    }
    const cpu = samples.map((s) => s[1]);
    expect(cpu.at(-1)).toBeGreaterThanOrEqual(500);
    expect([...cpu].sort((a, b) => a - b)).toEqual(cpu);
  });

  it("proc: finds a group member whose command name holds spaces and parentheses", async () => {
    const odd = join(mkdtempSync(join(tmpdir(), "tunelab-agent-")), "eng ine) x");
    copyFileSync("/bin/sleep", odd);
    await execa("chmod", ["+x", odd]);
    const engine = execa(odd, ["1.5"], { detached: true, reject: false });
    const r = await agent(engine.pid!, "proc", 100);
    await engine;
    const samples = r.stdout.trim().split("\n").slice(1).map((l) => l.split(",").map(Number));
    expect(samples.length).toBeGreaterThanOrEqual(3);
    expect(samples.every(([, , rssKiB, processes]) => processes === 1 && rssKiB > 0)).toBe(true);
  });

  it("auto picks nvidia when nvidia-smi answers (the stand-in), and passes its CSV lines through with a time stamp", async () => {
    const sleeper = execa("sleep", ["1"], { detached: true, reject: false });
    const r = await agent(sleeper.pid!, "auto", 100, { PATH: `${FAKE_GPU}:${process.env.PATH}` });
    await sleeper;
    const lines = r.stdout.trim().split("\n");
    expect(lines[0]).toBe("#kind nvidia");
    expect(lines[1]).toMatch(/^\d+\.\d{6},0, 20000, 24564, 80, 100\.50, 60, 2520$/);
    expect(lines[2]).toMatch(/^\d+\.\d{6},1, 10000, 24564, 30, 49\.50, 66, 2505$/);
    expect(lines.filter((l) => l.startsWith("#"))).toEqual(["#kind nvidia"]);
  });

  it("a missing nvidia-smi is one #error line and no samples", async () => {
    const sleeper = execa("sleep", ["1"], { detached: true, reject: false });
    const r = await agent(sleeper.pid!, "nvidia", 100, { PATH: "/usr/bin:/bin" });
    sleeper.kill();
    expect(r.stdout.trim()).toMatch(/^#error nvidia-smi not found on PATH on \S+$/);
  });

  it("a sampler that dies is restarted once, then given up", async () => {
    const sleeper = execa("sleep", ["5"], { detached: true, reject: false });
    const r = await agent(sleeper.pid!, "nvidia", 50, { PATH: `${FAKE_GPU}:${process.env.PATH}`, FAKE_NVIDIA_SMI: "die-after=3" });
    sleeper.kill();
    const lines = r.stdout.trim().split("\n");
    expect(lines.filter((l) => /^\d/.test(l))).toHaveLength(12); // 3 loops x 2 GPUs, twice
    expect(lines.filter((l) => l.startsWith("#restart"))).toEqual(["#restart nvidia sampler exited with status 1 (fake nvidia-smi: exiting after 3 loops)"]);
    expect(lines.at(-1)).toMatch(/^#error nvidia-smi on \S+ exited twice \(status 1: fake nvidia-smi: exiting after 3 loops\), gave up for this engine$/);
  });
});
