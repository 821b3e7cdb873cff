import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { beforeAll, describe, expect, it } from "vitest";
import { readCsv } from "../src/results/csv.ts";
import { BENCH_BIN } from "./helpers/bench-cli.ts";

const dir = mkdtempSync(join(tmpdir(), "tunelab-resume-"));
const file = join(dir, "one.yaml");
const out = join(dir, "run");
const bench = (args: string[]) => execa(process.execPath, [BENCH_BIN, ...args], { reject: false, cwd: dir });
const resume = (...flags: string[]) => bench(["grid", file, "--resume", out, "--progress", "none", ...flags]);

beforeAll(async () => {
  writeFileSync(file, [
    "name: resume-settings", "engine: vllm", "model: QuantTrio/GLM-4.7-Flash-AWQ", "served_name: resume-settings",
    "args: { tensor-parallel-size: 2, max-model-len: 8192 }", `env: { VLLM_CACHE_ROOT: ${join(dir, "cache")} }`,
    "matrix: { max-num-seqs: [8] }",
    "suites: [{ kind: chat, options: { requests: 1, prompt_tokens: 32, output_tokens: 4, warmup: 0, repetitions: 1 } }]", "",
  ].join("\n"));
  const first = await bench(["grid", file, "--simulate", "--time-scale", "50", "--out", out, "--progress", "none"]);
  expect(first.exitCode, first.stderr).toBe(0);
}, 120_000);

function oneLine(r: { exitCode?: number; stderr: string }): string {
  expect(r.exitCode).toBe(2);
  expect(r.stderr.trim().split("\n")).toHaveLength(1);
  return r.stderr.trim();
}

describe("--resume refuses a run whose rows would not mix", () => {
  it("names each setting that differs from the manifest, with the run's value and today's", async () => {
    expect(oneLine(await resume("--simulate", "--time-scale", "20"))).toMatch(/that run used other settings: --time-scale 50 \(now 20\) \(resume with the run's settings/);
    expect(oneLine(await resume())).toMatch(/--simulate on \(now off\)/);
    expect(oneLine(await resume("--simulate", "--time-scale", "50", "--hardware", "h200"))).toMatch(/--hardware glm-4.7-flash-awq-2x4090 \(now h200\)/);
    expect(oneLine(await resume("--simulate", "--time-scale", "50", "--launcher", "docker"))).toMatch(/--launcher local \(now docker\)/);
    expect(oneLine(await resume("--simulate", "--time-scale", "50", "--model", "other/model"))).toMatch(/--model QuantTrio\/GLM-4.7-Flash-AWQ \(now other\/model\)/);
  });

  it("an old or hand-edited manifest is a one-line error, not a schema dump; another lab major version is refused", async () => {
    const manifestFile = join(out, "manifest.json");
    const original = readFileSync(manifestFile, "utf8");
    try {
      const { host: _host, ...withoutHost } = JSON.parse(original);
      writeFileSync(manifestFile, JSON.stringify(withoutHost));
      expect(oneLine(await resume("--simulate", "--time-scale", "50"))).toMatch(/manifest.json: not a manifest this lab can resume \(field 'host': /);
      writeFileSync(manifestFile, JSON.stringify({ ...JSON.parse(original), lab_version: "7.2.0" }));
      expect(oneLine(await resume("--simulate", "--time-scale", "50"))).toMatch(/lab major version 7 \(now 0\)/);
    } finally {
      writeFileSync(manifestFile, original);
    }
  });

  it("with the run's own settings it resumes (nothing left to run)", async () => {
    const r = await resume("--simulate", "--time-scale", "50");
    expect(r.exitCode, r.stderr).toBe(0);
    expect(readCsv(join(out, "points.csv"))).toHaveLength(1);
  });
});

describe("the simulator's time scale and hardware travel one way: the options", () => {
  it("--dry-run renders --time-scale and --hardware as given (it used to show the environment's, i.e. 1)", async () => {
    const r = await bench(["grid", file, "--dry-run", "--simulate", "--time-scale", "7", "--hardware", "h200"]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toContain("--time-scale 7 --hardware h200");
  });

  it("the manifest and rows of a simulated run record the scale the engine ran at", () => {
    const manifest = JSON.parse(readFileSync(join(out, "manifest.json"), "utf8"));
    expect(manifest).toMatchObject({ simulated: true, time_scale: 50, sim_hardware: "glm-4.7-flash-awq-2x4090" });
    expect(readFileSync(join(out, "logs", `${readCsv(join(out, "points.csv"))[0].server_id}.log`), "utf8")).toMatch(/./);
    expect(readCsv(join(out, "points.csv"))[0].time_scale).toBe("50");
  });
});
