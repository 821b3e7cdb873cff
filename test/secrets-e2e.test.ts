import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { readCsv } from "../src/results/csv.ts";
import { BENCH_BIN } from "./helpers/bench-cli.ts";

const dir = mkdtempSync(join(tmpdir(), "tunelab-secrets-"));
const planted = {
  envLiteral: "hf_plantedEnvLiteral0003xyz",
  envPlain: "plainPlantedValue0004xyz",
  envRef: "refPlantedValue0005xyz",
  argToken: "hf_plantedArgToken0002xyz",
  matrixKey: "matrixPlantedKey0006xyz",
  urlPassword: "urlPlantedPass0007xyz",
  launcherToken: "launcherPlanted0008xyz",
  description: "sk-plantedDescription0001xyz",
};
const bench = (args: string[], env: Record<string, string> = {}) =>
  execa(process.execPath, [BENCH_BIN, ...args], { reject: false, cwd: dir, env: { ...process.env, ...env } });

function filesUnder(root: string): string[] {
  return readdirSync(root).flatMap((name) => {
    const path = join(root, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

function grid(name: string, lines: string[]): string {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, [
    `name: ${name}`, "engine: vllm", "model: QuantTrio/GLM-4.7-Flash-AWQ", `served_name: ${name}-${process.pid}`,
    "suites: [{ kind: chat, options: { requests: 2, prompt_tokens: 32, output_tokens: 4, warmup: 0, repetitions: 1 } }]",
    ...lines, "",
  ].join("\n"));
  return file;
}

describe("secrets never reach a run's outputs", () => {
  it("a secret planted in every place a user can put one appears in no file of the run, its report or its promoted profile", async () => {
    const file = grid("secrets", [
      `description: "the key is ${planted.description}"`,
      `args: { tensor-parallel-size: 2, max-model-len: 8192, hf-token: ${planted.argToken} }`,
      `env: { VLLM_CACHE_ROOT: ${join(dir, "cache")}, HF_TOKEN: ${planted.envLiteral}, PLAIN_SETTING: ${planted.envPlain}, MY_API_KEY: "\${PLANTED_REF}" }`,
      `matrix: { api-key: [${planted.matrixKey}] }`,
      `launcher: { kind: local, startup_timeout_s: 120, options: { token: ${planted.launcherToken} } }`,
    ]);
    const out = join(dir, "run");
    const r = await bench(["grid", file, "--simulate", "--time-scale", "50", "--out", out, "--progress", "plain"], { PLANTED_REF: planted.envRef });
    expect(r.exitCode, r.stderr).toBe(0);
    const [row] = readCsv(join(out, "points.csv"));
    // the client sent the key the engine was started with (`--api-key` from the matrix), so requests succeeded
    expect(row).toMatchObject({ status: "ok", errors: "0", output_tokens_mean: "4" });
    const promoted = await bench(["promote", out]);
    expect(promoted.exitCode, promoted.stderr).toBe(0);
    // an external proxy URL with a password in it (here nothing listens: the point fails, and says why)
    const urlOut = join(dir, "url-run");
    const url = await bench(["grid", grid("urlpath", [
      "args: { tensor-parallel-size: 2, max-model-len: 8192 }", `env: { VLLM_CACHE_ROOT: ${join(dir, "cache")} }`,
      `path: "http://user:${planted.urlPassword}@127.0.0.1:9"`, "launcher: { kind: local, startup_timeout_s: 120 }",
    ]), "--simulate", "--time-scale", "50", "--out", urlOut, "--progress", "plain"]);
    expect(readCsv(join(urlOut, "points.csv"))[0]).toMatchObject({ status: "failed", failure: "requests_failed" });
    const files = [...filesUnder(out), ...filesUnder(urlOut), ...filesUnder(join(dir, "reports"))];
    expect(files.some((f) => f.endsWith("manifest.json")) && files.some((f) => f.endsWith("compose.yaml")) && files.some((f) => f.endsWith(".log"))).toBe(true);
    const leaks = files.flatMap((f) => Object.entries(planted).filter(([, secret]) => readFileSync(f, "utf8").includes(secret)).map(([where]) => `${where} in ${f}`));
    expect(leaks).toEqual([]);
    for (const out_ of [r.stdout, r.stderr, promoted.stdout, promoted.stderr, url.stdout, url.stderr]) {
      for (const secret of Object.values(planted)) expect(out_).not.toContain(secret);
    }
  }, 180_000);

  it("the client's key comes from the launch spec: VLLM_API_KEY mapped from another variable", async () => {
    const file = grid("keyref", [
      "args: { tensor-parallel-size: 2, max-model-len: 8192 }",
      `env: { VLLM_CACHE_ROOT: ${join(dir, "cache")}, VLLM_API_KEY: "\${KEYREF_SOURCE}" }`,
      "matrix: { max-num-seqs: [8] }",
      "launcher: { kind: local, startup_timeout_s: 120 }",
    ]);
    const env = { KEYREF_SOURCE: "sk-keyrefPlanted0009xyz", VLLM_API_KEY: "" };
    const out = join(dir, "keyref-run");
    const r = await bench(["grid", file, "--simulate", "--time-scale", "50", "--out", out, "--progress", "plain"], env);
    expect(r.exitCode, r.stderr).toBe(0);
    const [row] = readCsv(join(out, "points.csv"));
    expect(row).toMatchObject({ status: "ok", errors: "0", requests_sent: "2", output_tokens_mean: "4" });
    for (const f of filesUnder(out)) expect(readFileSync(f, "utf8")).not.toContain(env.KEYREF_SOURCE);
  }, 120_000);
});
