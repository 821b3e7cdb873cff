import { describe, expect, it } from "vitest";
import { execa } from "execa";
import { parseGrid } from "../src/grid/load.ts";
import { expandGrid, groupByServer } from "../src/grid/expand.ts";
import { LabError } from "../src/errors.ts";
import { BENCH_BIN } from "./helpers/bench-cli.ts";

const base = `name: t\nengine: llamacpp\nmodel: tiny\nsuites:\n  - kind: chat\n`;

function errorOf(text: string): LabError {
  try {
    parseGrid(text, "g.yaml");
  } catch (err) {
    return err as LabError;
  }
  throw new Error("expected an error");
}

describe("grid schema", () => {
  it("rejects unknown keys, naming the field", () => {
    const err = errorOf(base + "matrixx: {}\n");
    expect(err.exitCode).toBe(2);
    expect(err.message).toBe("g.yaml: unknown field 'matrixx' at (top level)");
  });
  it("names nested paths and allowed values", () => {
    expect(errorOf(base.replace("llamacpp", "tgi")).message).toMatch(/^g\.yaml: field 'engine': allowed: "llamacpp"\|"vllm"/);
    expect(errorOf(base + "repetitions: 0\n").message).toMatch(/field 'repetitions'/);
    expect(errorOf(base + "matrix:\n  parallel: []\n").message).toMatch(/field 'matrix.parallel'/);
  });
  it("reports YAML syntax errors with a line", () => {
    expect(errorOf("name: [\n").message).toMatch(/^g\.yaml: line \d+ invalid YAML/);
  });
  it("rejects unknown suites and launchers listing the known ones", () => {
    expect(errorOf(base.replace("chat", "nope")).message).toMatch(/unknown suite 'nope'/);
    expect(errorOf(base.replace("chat", "nope")).hint).toMatch(/known: chat/);
    expect(errorOf(base + "launcher: { kind: k8s }\n").hint).toMatch(/known: local, docker, slurm/);
  });
  it("rejects exclude rules on parameters that are not in the matrix", () => {
    expect(errorOf(base + "matrix: { parallel: [1] }\nexclude: [{ batch: 1 }]\n").message).toMatch(/exclude.0.batch/);
  });
  it("checks suite options against the suite's schema", () => {
    expect(errorOf(base + "    options: { requests: -1 }\n").message).toMatch(/suites.0.options.requests/);
  });
  it("refuses a client-level parameter that a suite would ignore, naming the suite and the parameter", () => {
    const ttft = "name: t\nengine: llamacpp\nmodel: tiny\nsuites: [{ kind: chat }, { kind: ttft }]\nmatrix: { concurrency: [1, 4] }\n";
    const err = errorOf(ttft);
    expect(err.exitCode).toBe(2);
    expect(err.message).toBe("g.yaml: suite 'ttft' does not honour client parameter 'concurrency' (field 'matrix.concurrency'; it honours: prompt_tokens, output_tokens, requests)");
    expect(errorOf(base.replace("chat", "session") + "matrix: { requests: [2, 4] }\n").message).toMatch(/suite 'session' does not honour client parameter 'requests'/);
    expect(errorOf(base.replace("chat", "concurrency") + "matrix: { requests: [8] }\n").message).toMatch(/suite 'concurrency' does not honour client parameter 'requests'/);
    expect(errorOf(base.replace("chat", "decode") + "matrix: { concurrency: [2] }\n").message).toMatch(/suite 'decode' does not honour client parameter 'concurrency'/);
    // honoured ones are accepted, and their values checked against the option they set
    expect(() => parseGrid(base.replace("chat", "concurrency") + "matrix: { concurrency: [1, 8], output_tokens: [64] }\n")).not.toThrow();
    expect(errorOf(base.replace("chat", "decode") + "matrix: { output_tokens: [1] }\n").message).toMatch(/field 'matrix.output_tokens': value 1 does not fit suite 'decode' \('options.output_tokens'/);
  });
  it("refuses parameters named after a column the lab writes", () => {
    expect(errorOf(base + "matrix: { scenario_concurrency: [1] }\n").message).toMatch(/'scenario_concurrency' is a points.csv column the lab writes itself/);
  });
});

describe("expansion", () => {
  const grid = parseGrid(base + "matrix:\n  parallel: [1, 4]\n  ubatch-size: [128, 512]\n  concurrency: [1, 4]\nexclude:\n  - { parallel: 1, concurrency: 4 }\n");
  const points = expandGrid(grid);
  it("is the cartesian product minus exclusions", () => {
    expect(points).toHaveLength(6);
    expect(points.some((p) => p.params.parallel === 1 && p.params.concurrency === 4)).toBe(false);
  });
  it("splits server-level from client-level parameters", () => {
    expect(points[0].server).toEqual({ parallel: 1, "ubatch-size": 128 });
    expect(points[0].client).toEqual({ concurrency: 1 });
    const groups = groupByServer(points);
    expect(groups.map((g) => g.length)).toEqual([1, 1, 2, 2]);
  });
  it("gives ids that depend only on the parameters", () => {
    const reordered = parseGrid(base + "matrix:\n  concurrency: [4, 1]\n  ubatch-size: [512, 128]\n  parallel: [4, 1]\n");
    const ids = new Set(expandGrid(reordered).map((p) => p.id));
    for (const p of points) expect(ids.has(p.id)).toBe(true);
    expect(new Set(points.map((p) => p.id)).size).toBe(points.length);
    expect(points[0].id).toMatch(/^[0-9a-f]{10}$/);
  });
});

describe("bench grid on bad input", () => {
  it("prints one line and exits 2, with no stack trace", async () => {
    const r = await execa("node", [BENCH_BIN, "grid", "test/fixtures/bad-grid.yaml", "--dry-run"], { reject: false });
    expect(r.exitCode).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/^error: test\/fixtures\/bad-grid.yaml: field 'suites': /);
    expect(r.stderr).not.toMatch(/at .*\.ts:\d+/);
  });
  it("--dry-run renders the 96-point GLM grid on any machine", async () => {
    const r = await execa("node", [BENCH_BIN, "grid", "grids/glm-4090.yaml", "--dry-run"]);
    expect(r.stdout.match(/^# point /gm)).toHaveLength(96);
    expect(r.stdout).toContain("--gpu-memory-utilization 0.95");
  });
});
