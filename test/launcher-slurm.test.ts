import { chmodSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { parse } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseGrid } from "../src/grid/load.ts";
import { expandGrid } from "../src/grid/expand.ts";
import { readCsv } from "../src/results/csv.ts";
import { testEngine } from "../src/setup/index.ts";
import { BENCH_BIN } from "./helpers/bench-cli.ts";

/**
 * The slurm launcher against a real single-node cluster (slurm-wlm + munge on loopback, started by
 * test/slurm/start-cluster.sh) and the real llama-server with the tiny model.
 */
const dir = mkdtempSync(join(tmpdir(), "tunelab-slurm-"));
const tag = Math.random().toString(36).slice(2, 8);
let serverPath = "";
let modelPath = "";

/** A smaller copy of grids/quickstart.yaml (same engine, args and suite; fewer points and requests). */
function quickstartCopy(name: string, extra: Record<string, unknown> = {}): string {
  const grid = parse(readFileSync("grids/quickstart.yaml", "utf8")) as Record<string, unknown>;
  const small = {
    ...grid, name, model: modelPath, binary: serverPath,
    matrix: { parallel: [1, 4], concurrency: [1, 4] },
    suites: [{ kind: "chat", options: { requests: 3, prompt_tokens: 128, output_tokens: 8, warmup: 0 } }],
    ...extra,
  };
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, JSON.stringify(small));
  return file;
}

const bench = (args: string[]) => execa("node", [BENCH_BIN, "grid", ...args, "--progress", "plain"], { reject: false });

/** Names of this grid's jobs still known to squeue (pending, running or completing). */
async function jobsOf(grid: string, states = "%T"): Promise<string[]> {
  const r = await execa("squeue", ["-h", "-o", `%j ${states}`], { reject: false });
  expect(r.exitCode, r.stderr).toBe(0);
  return r.stdout.split("\n").filter((l) => l.startsWith(`tunelab-${grid}-`));
}

beforeAll(async () => {
  await execa("bash", ["test/slurm/start-cluster.sh"], { stdio: "inherit", timeout: 900_000 });
  ({ serverPath, modelPath } = await testEngine());
}, 1_200_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("slurm launcher on a real cluster", () => {
  it("runs a quickstart copy with --parallel 2: every row, no job left behind", async () => {
    const name = `slurm-${tag}`;
    const file = quickstartCopy(name);
    const out = join(dir, "run");
    const r = await bench([file, "--launcher", "slurm", "--parallel", "2", "--partition", "debug", "--time", "00:10:00", "--out", out]);
    expect(r.exitCode, r.stderr).toBe(0);
    const manifest = JSON.parse(readFileSync(join(out, "manifest.json"), "utf8"));
    expect(manifest.launcher).toBe("slurm");
    expect(manifest.grid.launcher.options).toMatchObject({ partition: "debug", time: "00:10:00" });
    const expected = expandGrid(parseGrid(readFileSync(file, "utf8"), file)).map((p) => p.id).sort();
    const rows = readCsv(join(out, "points.csv"));
    expect(rows.map((row) => String(row.point_id)).sort()).toEqual(expected);
    for (const row of rows) {
      expect(row.status, String(row.failure_detail)).toBe("ok");
      expect(row.launcher).toBe("slurm");
      expect(Number(row.startup_s)).toBeGreaterThan(0);
      // telemetry sampled on the node, inside the job (auto: no nvidia-smi there, so the engine's /proc)
      expect(Number(row.engine_cpu_s)).toBeGreaterThan(0);
      expect(Number(row.engine_rss_gib_max)).toBeGreaterThan(0);
    }
    for (const serverId of new Set(rows.map((row) => String(row.server_id)))) {
      // the job's output is the point's log: the engine ran there, bound to every interface
      expect(readFileSync(join(out, "logs", `${serverId}.log`), "utf8")).toMatch(/listening on http:\/\/0\.0\.0\.0:\d+/);
      expect(readFileSync(join(out, "slurm", `${serverId}.sbatch`), "utf8")).toContain(`tunelab-${name}-${serverId}`);
      expect(readFileSync(join(out, "slurm", `${serverId}.sbatch`), "utf8")).toMatch(/^LC_ALL=C setsid bash -c '# tunelab telemetry agent[\s\S]*' tunelab-telemetry "\$PID" auto 250 > /m);
      expect(readFileSync(join(out, "telemetry", `${serverId}.out`), "utf8")).toMatch(/^#kind proc\n\d+\.\d+,\d+,\d+,\d+\n/);
    }
    expect(readdirSync(join(out, "slurm")).filter((f) => f.endsWith(".json"))).toEqual([]);
    expect(await jobsOf(name)).toEqual([]);
  });

  it("an interrupted run (SIGINT once a job runs) cancels every job it submitted", async () => {
    const name = `slurm-int-${tag}`;
    const out = join(dir, "interrupted");
    const child = execa("node", [BENCH_BIN, "grid", quickstartCopy(name), "--launcher", "slurm", "--parallel", "2", "--out", out, "--progress", "none"], { reject: false });
    const deadline = Date.now() + 60_000;
    while (!(await jobsOf(name)).some((l) => l.endsWith(" RUNNING")) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect((await jobsOf(name)).length).toBeGreaterThan(0);
    child.kill("SIGINT");
    const r = await child;
    expect(r.exitCode, r.stderr).toBe(130);
    expect(await jobsOf(name)).toEqual([]);
  });

  it("a job pending too long fails its points with startup_timeout and squeue's reason", async () => {
    const name = `slurm-pend-${tag}`;
    const launcher = { kind: "slurm", startup_timeout_s: 60, options: { pending_timeout_s: 3, sbatch_args: ["--begin=now+3600"] } };
    const out = join(dir, "pending");
    const r = await bench([quickstartCopy(name, { matrix: { parallel: [1] }, exclude: [], launcher }), "--out", out, "--strict"]);
    expect(r.exitCode).toBe(3);
    expect(r.stderr).toContain("1 of 1 points failed");
    const [row] = readCsv(join(out, "points.csv"));
    expect(row.failure).toBe("startup_timeout");
    expect(String(row.failure_detail)).toMatch(/still PENDING after 3s \(reason: BeginTime\)/);
    expect(await jobsOf(name)).toEqual([]);
  });

  it("an engine that dies on its node becomes a failed row classified from the job's log", async () => {
    const name = `slurm-crash-${tag}`;
    const fake = join(dir, "broken-llama-server.sh");
    writeFileSync(fake, "#!/bin/sh\necho 'llama_model_load: error loading model: tensor data is not within file bounds' >&2\nexit 1\n");
    chmodSync(fake, 0o755);
    const out = join(dir, "crash");
    const r = await bench([quickstartCopy(name, { matrix: { parallel: [1] }, exclude: [], binary: fake }), "--launcher", "slurm", "--out", out]);
    expect(r.exitCode, "a completed grid exits 0 even when its points failed").toBe(0);
    expect(r.stderr).toContain("1 of 1 points failed");
    const [row] = readCsv(join(out, "points.csv"));
    expect(row.failure).toBe("crashed");
    expect(String(row.failure_detail)).toMatch(/job \d+ ended FAILED on localhost with exit code 1 before the engine was ready/);
    expect(String(row.failure_detail)).toContain("error loading model");
    expect(existsSync(join(out, "slurm", `${row.server_id}.json`))).toBe(false);
    expect(await jobsOf(name)).toEqual([]);
  });
});
