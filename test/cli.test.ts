import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { simAdapter } from "../src/engines/sim.ts";
import { parseGrid } from "../src/grid/load.ts";
import { packagePath } from "../src/util/paths.ts";
import { BENCH_BIN } from "./helpers/bench-cli.ts";

const pkg = JSON.parse(readFileSync(packagePath("package.json"), "utf8")) as { bin: { bench: string }; scripts: Record<string, string>; dependencies: Record<string, string> };
const bench = (args: string[], env: Record<string, string> = {}) => execa("node", [BENCH_BIN, ...args], { reject: false, env: { ...process.env, TUNELAB_DEBUG: "", ...env } });
const dir = mkdtempSync(join(tmpdir(), "tunelab-cli-"));

/** Every module URL `node <args>` loads. */
async function importsOf(args: string[]): Promise<string[]> {
  const r = await execa("node", ["--import", packagePath("test/fixtures/log-imports.mjs"), ...args], { reject: false });
  expect(r.exitCode, r.stderr).toBe(0);
  return r.stderr.split("\n").filter((l) => l.startsWith("import: ")).map((l) => l.slice(8));
}

describe("the compiled CLI (issue 14, item 18)", () => {
  it("package.json's bin is the JavaScript that `npm ci` builds (prepare), and tsx is only a dev dependency", () => {
    expect(pkg.bin.bench).toBe("dist/cli/main.js");
    expect(packagePath(pkg.bin.bench)).toBe(BENCH_BIN);
    expect(pkg.scripts.prepare).toMatch(/npm run build/);
    expect(pkg.scripts.build).toMatch(/tsc -p tsconfig.build.json/);
    expect(pkg.dependencies.tsx).toBeUndefined();
  });

  it("`bench --version` and `bench grid --help` load compiled modules only, and no command's dependencies", async () => {
    for (const args of [["--version"], ["grid", "--help"]]) {
      const urls = await importsOf([BENCH_BIN, ...args]);
      expect(urls.length).toBeGreaterThan(3);
      expect(urls.filter((u) => u.endsWith(".ts") || u.includes("/tsx/")), args.join(" ")).toEqual([]);
      for (const heavy of ["undici", "zod", "execa", "yaml", "vega", "p-limit", "/src/lab/", "/dist/lab/"]) {
        expect(urls.filter((u) => u.includes(heavy)), `${args.join(" ")} loads ${heavy}`).toEqual([]);
      }
    }
  });

  it("simulated engines run the compiled CLI (`node dist/cli/main.js sim serve ...`)", () => {
    const grid = parseGrid("name: g\nengine: vllm\nmodel: m\nsuites: [{ kind: chat }]\n", "g.yaml");
    const spec = simAdapter.render({ grid, server: {}, host: "127.0.0.1", port: 8000, binary: process.execPath, model: "m" });
    expect([spec.command, ...spec.args.slice(0, 3)]).toEqual([process.execPath, packagePath("dist/cli/main.js"), "sim", "serve"]);
    expect(packagePath(pkg.bin.bench)).toBe(spec.args[0]);
  });
});

describe("exit codes and debug output (issue 14, item 20)", () => {
  it("an unexpected error is one line naming --debug; with --debug or TUNELAB_DEBUG=1 its stack trace", async () => {
    const args = ["grid", "grids/quickstart.yaml", "--out", "/dev/null/run"];
    const plain = await bench(args);
    expect(plain.exitCode).toBe(1);
    expect(plain.stderr.trim().split("\n")).toHaveLength(1);
    expect(plain.stderr).toMatch(/^error: ENOTDIR: not a directory.*run again with --debug/);
    for (const r of [await bench([...args, "--debug"]), await bench(args, { TUNELAB_DEBUG: "1" })]) {
      expect(r.exitCode).toBe(1);
      expect(r.stderr).toMatch(/ENOTDIR: not a directory/);
      expect(r.stderr).toMatch(/\n\s+at .*run-store\.js:\d+/);
    }
  });

  it("a completed grid whose every point failed exits 0 and prints the count; --strict makes it 3", async () => {
    const file = join(dir, "crashing.yaml");
    writeFileSync(file, [
      "name: crashing", "engine: vllm", "model: QuantTrio/GLM-4.7-Flash-AWQ", "args: { crash-at-startup: true }",
      `env: { VLLM_CACHE_ROOT: ${join(dir, "cache")} }`, "matrix: { max-num-seqs: [4, 8] }", "suites: [{ kind: chat }]", "",
    ].join("\n"));
    const lax = await bench(["grid", file, "--simulate", "--time-scale", "100", "--out", join(dir, "lax"), "--progress", "none"]);
    expect(lax.exitCode, lax.stderr).toBe(0);
    expect(lax.stderr).toContain("2 of 2 points failed");
    expect(lax.stdout).toMatch(/failed:crashed/);
    const strict = await bench(["grid", file, "--simulate", "--time-scale", "100", "--out", join(dir, "strict"), "--progress", "none", "--strict"]);
    expect(strict.exitCode, strict.stderr).toBe(3);
    expect(strict.stderr).toContain("2 of 2 points failed");
  });

  it("bad input exits 2", async () => {
    const r = await bench(["grid", "grids/nonexistent.yaml"]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
  });
});

describe("--progress (issue 14, item 19)", () => {
  it("rejects an unknown mode with exit 2, naming the allowed ones", async () => {
    for (const command of [["grid", "grids/quickstart.yaml", "--dry-run"], ["run", "--url", "http://127.0.0.1:9", "--suite", "chat"]]) {
      const r = await bench([...command, "--progress", "fancy"]);
      expect(r.exitCode, command[0]).toBe(2);
      expect(r.stderr).toMatch(/'fancy' is invalid.*tty, plain, none/);
    }
  });
});
