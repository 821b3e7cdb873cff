import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { ArgparseExit, parseVllmArgv } from "../src/sim/index.ts";
import { BENCH_BIN } from "./helpers/bench-cli.ts";

/** `bench sim serve` takes `vllm serve`'s argv: same spellings, aliases, defaults, and argparse's errors. */
const parse = (...argv: string[]) => parseVllmArgv(["QuantTrio/GLM-4.7-Flash-AWQ", ...argv]);
const values = (...argv: string[]) => parse(...argv).values;

function argparseError(argv: string[]): ArgparseExit {
  try {
    parseVllmArgv(argv);
  } catch (err) {
    if (err instanceof ArgparseExit) return err;
    throw err;
  }
  throw new Error(`accepted: ${argv.join(" ")}`);
}

describe("vllm serve argv", () => {
  it("has vLLM's defaults", () => {
    const v = values();
    expect(parse().modelTag).toBe("QuantTrio/GLM-4.7-Flash-AWQ");
    expect(v).toMatchObject({ gpu_memory_utilization: 0.92, port: 8000, optimization_level: 2, enforce_eager: false, enable_expert_parallel: false, tensor_parallel_size: 1, kv_cache_dtype: "auto", time_scale: 1 });
    expect([v.max_num_batched_tokens, v.max_num_seqs, v.enable_prefix_caching, v.enable_chunked_prefill]).toEqual([null, null, null, null]);
  });

  it("accepts every spelling: aliases, _ or -, --flag=value, --no-x", () => {
    for (const argv of [["-tp", "2"], ["--tensor-parallel-size", "2"], ["--tensor_parallel_size=2"], ["-tp=2"]]) expect(values(...argv).tensor_parallel_size).toBe(2);
    for (const argv of [["-ep"], ["--enable-expert-parallel"], ["--enable_expert_parallel"]]) expect(values(...argv).enable_expert_parallel).toBe(true);
    expect(values("-ep", "--no-enable-expert-parallel").enable_expert_parallel).toBe(false);
    for (const argv of [["-O3"], ["-O", "3"], ["-O=3"], ["--optimization-level", "3"], ["--optimization_level=3"]]) expect(values(...argv).optimization_level).toBe(3);
    expect(values("--enable-prefix-caching").enable_prefix_caching).toBe(true);
    expect(values("--no-enable-prefix-caching").enable_prefix_caching).toBe(false);
    expect(values("--no-enable-log-requests").enable_log_requests).toBe(false);
    expect(values("--max-model-len", "128k").max_model_len).toBe(128_000);
    expect(values("--max-model-len", "128K").max_model_len).toBe(131_072);
    expect(values("--max-model-len", "auto").max_model_len).toBe(-1);
    expect(values("--seed", "-1").seed).toBe(-1);
  });

  it("merges JSON and dotted -cc keys", () => {
    const v = values("-cc", '{"cudagraph_mode":"PIECEWISE","compile_sizes":["cudagraph_capture_sizes"]}', "-cc.mode=3", "--compilation-config.inductor_compile_config.max_autotune", "true");
    expect(v.compilation_config).toEqual({ cudagraph_mode: "PIECEWISE", compile_sizes: ["cudagraph_capture_sizes"], mode: 3, inductor_compile_config: { max_autotune: true } });
    expect(values("--compilation-config", "3").compilation_config).toEqual({ mode: 3 });
  });

  it("accepts the flags users commonly pass (seed 001's command line, minus the removed one)", () => {
    const seed001 = [
      "--served-model-name", "glm-4.7-flash", "--tensor-parallel-size", "2", "--enable-expert-parallel", "--gpu-memory-utilization", "0.92",
      "--max-model-len", "131072", "--max-num-batched-tokens", "32768", "--max-num-seqs", "64", "--kv-cache-dtype", "auto", "--dtype", "half",
      "--tool-call-parser", "glm47", "--reasoning-parser", "glm45", "--distributed-executor-backend", "mp", "--no-enable-log-requests",
      "--host", "0.0.0.0", "--port", "5002", "--api-key", "k", "--trust-remote-code", "--enable-auto-tool-choice", "--enable-prompt-tokens-details",
      "--load-format", "dummy", "--block-size", "32", "--seed", "7", "--enable-chunked-prefill", "--uvicorn-log-level", "warning",
      "--time-scale", "20", "--hardware", "h200", "--fail-after-requests", "3", "--crash-at-startup", "--sim-seed", "9",
    ];
    const v = values(...seed001);
    expect(v).toMatchObject({ served_model_name: ["glm-4.7-flash"], max_num_seqs: 64, dtype: "half", api_key: ["k"], block_size: 32, time_scale: 20, hardware: "h200", crash_at_startup: true });
  });

  it("reads --config YAML, command-line flags winning", () => {
    const file = join(mkdtempSync(join(tmpdir(), "sim-argv-")), "serve.yaml");
    writeFileSync(file, "model: org/model\nport: 9000\nenforce-eager: true\nmax_num_seqs: 8\n");
    const parsed = parseVllmArgv(["--config", file, "--port", "9100"]);
    expect(parsed.modelTag).toBe("org/model");
    expect(parsed.values).toMatchObject({ port: 9100, enforce_eager: true, max_num_seqs: 8 });
  });

  it("rejects like argparse: usage line, `vllm serve: error:` and exit code 2", () => {
    const cases: Array<[string[], string]> = [
      [["m", "--disable-log-requests"], "unrecognized arguments: --disable-log-requests"],
      [["m", "--foo", "bar"], "unrecognized arguments: --foo bar"],
      [["m", "--port"], "argument --port: expected one argument"],
      [["m", "--max-num-seqs", "many"], "argument --max-num-seqs: invalid int value: 'many'"],
      [["m", "--gpu-memory-utilization", "lots"], "argument --gpu-memory-utilization/--device-memory-utilization: invalid float value: 'lots'"],
      [["m", "--dtype", "fp4"], "argument --dtype: invalid choice: 'fp4' (choose from 'auto', 'bfloat16', 'float', 'float16', 'float32', 'half')"],
      [["m", "--enforce-eager=yes"], "argument --enforce-eager/--no-enforce-eager: ignored explicit argument 'yes'"],
      [["m", "-tp"], "argument --tensor-parallel-size/-tp: expected one argument"],
    ];
    for (const [argv, message] of cases) {
      const err = argparseError(argv);
      expect(err.exitCode).toBe(2);
      expect(err.output).toBe(`usage: vllm serve [model_tag] [options]\nvllm serve: error: ${message}\n`);
    }
    const help = argparseError(["--help"]);
    expect(help.exitCode).toBe(0);
    expect(help.output).toContain("--gpu-memory-utilization");
  });

  it("the CLI exits 2 with argparse's message on stderr for an unknown flag", async () => {
    const res = await execa("node", [BENCH_BIN, "sim", "serve", "m", "-tp", "2", "--disable-log-requests"], { reject: false });
    expect(res.exitCode).toBe(2);
    expect(res.stderr).toBe("usage: vllm serve [model_tag] [options]\nvllm serve: error: unrecognized arguments: --disable-log-requests");
    expect(res.stdout).toBe("");
  });
});
