import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { parse } from "yaml";
import { beforeAll, describe, expect, it } from "vitest";
import { classifyCommandLog } from "../src/engines/command-classify.ts";
import { commandAdapter } from "../src/engines/command.ts";
import { GridSchema } from "../src/grid/schema.ts";
import { validateGrid } from "../src/grid/validate.ts";
import { readCsv } from "../src/results/csv.ts";
import { testEngine } from "../src/setup/index.ts";
import { processesMatching } from "./helpers/engine-procs.ts";

const dir = mkdtempSync(join(tmpdir(), "tunelab-command-"));
const grid = (yaml: string) => GridSchema.parse(parse(yaml));
const bench = (args: string[]) => execa("node", ["bin/bench.mjs", ...args], { reject: false });

describe("engine: command, rendering", () => {
  const base = "name: g\nengine: command\nmodel: org/model\nsuites: [{ kind: chat }]\n";
  it("fills placeholders (after splitting: a value with spaces stays one word), appends the other parameters as flags and sends env.* to the environment", () => {
    const g = grid(`${base}command: "vllm-mlx serve {model} --host {host} --port {port} --served-model-name {served_name}"\nserved_name: my model\nargs: { max-tokens: 4096 }\nenv: { OLLAMA_HOST: "{host}:{port}", TOKEN: "\${TOKEN}" }\n`);
    validateGrid(g, "g.yaml");
    const spec = commandAdapter.render({ grid: g, server: { "continuous-batching": true, "env.OMP_NUM_THREADS": 4, "kv-bits": 8 }, host: "127.0.0.1", port: 9123, binary: "", model: "org/model" });
    expect(spec.command).toBe("vllm-mlx");
    expect(spec.args).toEqual(["serve", "org/model", "--host", "127.0.0.1", "--port", "9123", "--served-model-name", "my model", "--max-tokens", "4096", "--continuous-batching", "--kv-bits", "8"]);
    expect(spec.env).toEqual({ OLLAMA_HOST: "127.0.0.1:9123", TOKEN: "${TOKEN}", OMP_NUM_THREADS: "4" });
    expect(spec.readiness.path).toBe("/v1/models");
    expect(spec.probeCapabilities).toBe(true);
  });
  it("a parameter used as a placeholder is not appended again; a list template is taken word for word", () => {
    const g = grid(`${base}command: [ollama-like, "--listen={host}:{port}", "--ctx={ctx}"]\nmatrix: { ctx: [2048, 4096] }\n`);
    validateGrid(g, "g.yaml");
    const spec = commandAdapter.render({ grid: g, server: { ctx: 2048 }, host: "h", port: 1, binary: "", model: "m" });
    expect([spec.command, ...spec.args]).toEqual(["ollama-like", "--listen=h:1", "--ctx=2048"]);
  });
  it.each([
    [`${base}`, /field 'command' is required with 'engine: command'/],
    [`${base}command: "srv --port {port} --x {nope}"\n`, /field 'command': unknown placeholder \{nope\}/],
    [`${base}command: "srv --host {host}"\n`, /field 'command' has no \{port\}/],
    [`${base}command: "sh -c 'srv --port $1' x {port}"\n`, /field 'command': quotes are not parsed in a string template/],
    ["name: g\nengine: llamacpp\nmodel: m.gguf\ncommand: srv {port}\nsuites: [{ kind: chat }]\n", /field 'command' is only for 'engine: command'/],
  ])("bad grid %#: one line naming the field", (yaml, message) => {
    expect(() => validateGrid(grid(yaml), "g.yaml")).toThrow(message);
  });
  it("an unknown placeholder's hint lists the known ones", () => {
    const g = grid(`${base}command: "srv --port {port} --x {nope}"\nmatrix: { kv-bits: [4, 8] }\n`);
    expect(() => validateGrid(g, "g.yaml")).toThrow(expect.objectContaining({ exitCode: 2, hint: "known: {model} {host} {port} {served_name} {kv-bits}" }));
  });
});

describe("engine: command, failure classification (log tail first, then exit status)", () => {
  it.each([
    ["vllm-mlx: error: unrecognized arguments: --bogus", 2, "invalid_config"],
    ["error: invalid argument: --nope", 1, "invalid_config"],
    ["Unsupported cache type: bogus", 1, "invalid_config"],
    ["OSError: [Errno 98] Address already in use", 1, "bind_failed"],
    ["torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB", 1, "oom"],
    ["RuntimeError: Not enough memory: KV cache is too small for max_total_tokens", 1, "kv_cache_too_small"],
    ["loading weights...", 2, "invalid_config"],
    ["loading weights...", 127, "missing_binary"],
    ["loading weights...", 137, "oom"],
    ["loading weights...", 1, undefined],
  ])("%s (exit %i) -> %s", (line, code, cause) => {
    expect(classifyCommandLog(`starting server\n${line}\n`, code)).toBe(cause);
  });
  it("reads only the tail: an early warning does not decide the cause", () => {
    const log = ["warning: invalid value for X, using default", ...Array.from({ length: 80 }, (_, i) => `step ${i}`), "Segfault"].join("\n");
    expect(classifyCommandLog(log, 139)).toBeUndefined();
  });
});

describe("engine: command on the real llama-server", () => {
  let serverPath = "";
  let modelPath = "";
  beforeAll(async () => {
    ({ serverPath, modelPath } = await testEngine());
  });
  const name = `cmd-${process.pid}`;
  function gridFile(file: string, command: string | string[], matrix: string, exclude = "[]"): string {
    const path = join(dir, file);
    writeFileSync(path, [
      `name: ${file.replace(".yaml", "")}`, "engine: command", `model: ${modelPath}`, `served_name: ${name}`,
      `command: ${JSON.stringify(command)}`, "args: { ctx-size: 4096, threads: 2 }", `matrix: ${matrix}`, `exclude: ${exclude}`,
      "suites: [{ kind: chat, options: { requests: 2, prompt_tokens: 64, output_tokens: 8, warmup: 0, reset_cache: true } }]",
      "launcher: { kind: local, startup_timeout_s: 120 }", "",
    ].join("\n"));
    return path;
  }

  it("starts llama-server from a template, measures through it, probes its abilities, and classifies failed starts", async () => {
    const command = `${serverPath} -m {model} -a {served_name} --host {host} --port {port} --metrics --slot-save-path ${dir}`;
    const out = join(dir, "run");
    const grid = gridFile("cmd.yaml", command, "{ parallel: [1, 2], cache-type-k: [f16, bogus] }", "[{ parallel: 2, cache-type-k: bogus }]");
    const r = await bench(["grid", grid, "--out", out, "--progress", "plain"]);
    expect(r.stderr).toMatch(/2 ok, 1 failed/);
    const rows = readCsv(join(out, "points.csv"));
    const ok = rows.filter((row) => row["cache-type-k"] === "f16");
    expect(ok.map((row) => `${row.parallel}/${row.status}`).sort()).toEqual(["1/ok", "2/ok"]);
    for (const row of ok) {
      expect(row.engine).toBe("command");
      expect(Number(row.errors)).toBe(0);
      expect(Number(row.output_tokens_mean)).toBe(8);
      expect(Number(row.output_tok_s)).toBeGreaterThan(0);
      expect(Number(row.startup_s)).toBeGreaterThan(0);
      // probed once ready: the tokenizer sized the prompt exactly, /metrics was read, the slots were erased
      expect(Number(row.prompt_tokens_mean)).toBe(64);
      expect(Number(row.server_prefix_queries)).toBeGreaterThan(0);
      expect(row.cache_reset).toBe("true");
    }
    const log = readFileSync(join(out, "logs", `${ok[0].server_id}.log`), "utf8");
    expect(log).toMatch(/listening on http:\/\/127\.0\.0\.1:\d+/);
    const bad = rows.find((row) => row["cache-type-k"] === "bogus")!;
    expect(bad.status).toBe("failed");
    expect(bad.failure).toBe("invalid_config");
    expect(bad.failure_detail).toMatch(/Unsupported cache type: bogus/);
    expect(processesMatching(name)).toEqual([]);
  }, 300_000);

  it("a server that dies with a status and no known line is classified by the status", async () => {
    const out = join(dir, "exit");
    const command = ["sh", "-c", "echo loading on port $1; exit $2", "tunelab", "{port}", "{code}"];
    const r = await bench(["grid", gridFile("exit.yaml", command, "{ code: [2, 137, 3] }"), "--out", out, "--progress", "plain"]);
    expect(r.stderr).toMatch(/0 ok, 3 failed/);
    const rows = readCsv(join(out, "points.csv"));
    const failure = (code: string) => rows.filter((row) => row.code === code).map((row) => `${row.status}/${row.failure}`);
    expect(failure("2")).toEqual(["failed/invalid_config"]);
    expect(failure("137")).toEqual(["failed/oom"]);
    expect(failure("3")).toEqual(["failed/crashed"]);
    expect(rows.find((row) => row.code === "3")!.failure_detail).toMatch(/exited with code 3 .*loading on port \d+/s);
  }, 120_000);
});
