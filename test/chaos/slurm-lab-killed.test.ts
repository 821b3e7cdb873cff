import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { stringify } from "yaml";
import { beforeAll, describe, expect, it } from "vitest";
import { testEngine } from "../../src/setup/index.ts";
import { BENCH_BIN } from "../helpers/bench-cli.ts";
import { processesMatching } from "../helpers/engine-procs.ts";
import { until } from "./engine-proc.ts";

/**
 * No engine outlives bench on SLURM either (issue 14, item 17): bench is SIGKILLed while its job's engine runs
 * on the real single-node cluster; the job sees the lab's heartbeat stop, stops its engine and leaves the queue.
 */
const dir = mkdtempSync(join(tmpdir(), "tunelab-chaos-slurm-"));

beforeAll(async () => {
  await execa("bash", ["test/slurm/start-cluster.sh"], { stdio: "inherit", timeout: 900_000 });
}, 1_200_000);

async function jobsNamed(name: string): Promise<string[]> {
  const r = await execa("squeue", ["-h", "-o", "%j %T"], { reject: false });
  return r.stdout.split("\n").filter((l) => l.startsWith(`tunelab-${name}-`));
}

describe("chaos: bench SIGKILLed while its SLURM job's engine runs", () => {
  it("the job stops its engine within heartbeat_timeout_s and leaves the queue", async () => {
    const { serverPath, modelPath } = await testEngine();
    const name = `slurm-killed-${process.pid}`;
    const alias = `tiny-${name}`;
    const file = join(dir, "grid.yaml");
    writeFileSync(file, stringify({
      name, engine: "llamacpp", model: modelPath, binary: serverPath, served_name: alias,
      args: { "ctx-size": 4096, threads: 2 },
      suites: [{ kind: "chat", options: { requests: 50, prompt_tokens: 64, output_tokens: 256, warmup: 0, repetitions: 1 } }],
      launcher: { kind: "slurm", startup_timeout_s: 120, stop_timeout_s: 3, options: { heartbeat_timeout_s: 8, poll_s: 1 } },
    }));
    const out = join(dir, "run");
    const bench = execa("node", [BENCH_BIN, "grid", file, "--out", out, "--progress", "none"], { reject: false });
    await until("the engine up on its node (connection file written)", () =>
      existsSync(join(out, "slurm")) && readdirSync(join(out, "slurm")).some((f) => f.endsWith(".json")) ? true : undefined, 300_000, 200);
    expect(await jobsNamed(name)).toEqual([expect.stringMatching(/ RUNNING$/)]);
    expect(processesMatching(alias).length).toBeGreaterThan(0);
    bench.kill("SIGKILL");
    await bench;
    const killedAt = Date.now();
    await until("the job to leave the queue", async () => ((await jobsNamed(name)).length === 0 ? true : undefined), 90_000, 500);
    expect((Date.now() - killedAt) / 1000).toBeLessThan(60);
    await until("the engine to be gone", () => (processesMatching(alias).length === 0 ? true : undefined), 30_000, 200);
    const log = readFileSync(join(out, "logs", readdirSync(join(out, "logs"))[0]), "utf8");
    expect(log).toMatch(/tunelab: no heartbeat from the lab for 8s .*: stopping the engine/);
  }, 600_000);
});
