import { describe, expect, it } from "vitest";
import { parseGrid } from "../src/grid/load.ts";
import { engineFor } from "../src/engines/registry.ts";
import type { ParamValue } from "../src/grid/schema.ts";

function render(engine: "vllm" | "llamacpp" | "sim", extra: string, server: Record<string, ParamValue>) {
  const grid = parseGrid(`name: t\nengine: ${engine === "llamacpp" ? "llamacpp" : "vllm"}\nmodel: m\nserved_name: s\nsuites: [{ kind: chat }]\n${extra}`);
  return engineFor(engine).render({ grid, server, host: "127.0.0.1", port: 9000, binary: "/bin/engine", model: "org/model" });
}

describe("vLLM argv", () => {
  const table: Array<[Record<string, ParamValue>, string[]]> = [
    [{ "gpu-memory-utilization": 0.92 }, ["--gpu-memory-utilization", "0.92"]],
    [{ gpu_memory_utilization: 0.9 }, ["--gpu-memory-utilization", "0.9"]],
    [{ "max-num-batched-tokens": 8192 }, ["--max-num-batched-tokens", "8192"]],
    [{ "enforce-eager": true }, ["--enforce-eager"]],
    [{ "enforce-eager": false }, ["--no-enforce-eager"]],
    [{ "enable-expert-parallel": false }, ["--no-enable-expert-parallel"]],
    [{ "enable-prefix-caching": false }, ["--no-enable-prefix-caching"]],
    [{ "kv-cache-dtype": "fp8" }, ["--kv-cache-dtype", "fp8"]],
  ];
  it.each(table)("%j -> %j", (server, flags) => {
    const spec = render("vllm", "", server);
    expect(spec.args.slice(0, 8)).toEqual(["serve", "org/model", "--host", "127.0.0.1", "--port", "9000", "--served-model-name", "s"]);
    expect(spec.args.slice(8)).toEqual(flags);
    expect(spec.command).toBe("/bin/engine");
  });
  it("autotune on = compile sizes + inductor config in -cc, and both env vars 1", () => {
    const spec = render("vllm", "args:\n  compilation-config: { cudagraph_mode: PIECEWISE }\n", { autotune: true });
    const cc = spec.args[spec.args.indexOf("-cc") + 1];
    expect(JSON.parse(cc)).toEqual({
      cudagraph_mode: "PIECEWISE",
      compile_sizes: ["cudagraph_capture_sizes"],
      inductor_compile_config: { max_autotune: true, coordinate_descent_tuning: true },
    });
    expect(spec.env.VLLM_ENABLE_INDUCTOR_MAX_AUTOTUNE).toBe("1");
    expect(spec.env.VLLM_ENABLE_INDUCTOR_COORDINATE_DESCENT_TUNING).toBe("1");
    expect(spec.args).not.toContain("--autotune");
  });
  it("autotune off = env vars 0 and no compile keys", () => {
    const spec = render("vllm", "", { autotune: false });
    expect(spec.args).not.toContain("-cc");
    expect(spec.env.VLLM_ENABLE_INDUCTOR_MAX_AUTOTUNE).toBe("0");
    expect(spec.env.VLLM_ENABLE_INDUCTOR_COORDINATE_DESCENT_TUNING).toBe("0");
  });
  it("vLLM readiness is refused-until-ready with /health, and reset needs dev mode", () => {
    const spec = render("vllm", "", {});
    expect(spec.readiness.path).toBe("/health");
    expect(spec.env.VLLM_SERVER_DEV_MODE).toBe("1");
    expect(spec.capabilities.resetPrefixCache).toBe("vllm");
  });
  it("the simulator runs the same argv under `bench sim serve`", () => {
    const vllm = render("vllm", "", { "enforce-eager": true });
    const sim = render("sim", "", { "enforce-eager": true });
    expect(sim.args.slice(sim.args.indexOf("serve") + 1, -2)).toEqual(vllm.args.slice(1));
    expect(sim.args.slice(-2)).toEqual(["--time-scale", "1"]);
  });
});

describe("llama.cpp argv", () => {
  const table: Array<[Record<string, ParamValue>, string[]]> = [
    [{ parallel: 4 }, ["--parallel", "4"]],
    [{ np: 2 }, ["--parallel", "2"]],
    [{ "batch-size": 2048, "ubatch-size": 512 }, ["--batch-size", "2048", "--ubatch-size", "512"]],
    [{ "cache-reuse": 256 }, ["--cache-reuse", "256"]],
    [{ "kv-unified": false }, ["--no-kv-unified"]],
    [{ "cont-batching": true }, ["--cont-batching"]],
    [{ "flash-attn": "off" }, ["--flash-attn", "off"]],
    [{ metrics: false }, []],
  ];
  it.each(table)("%j -> %j", (server, flags) => {
    const spec = render("llamacpp", "", server);
    expect(spec.args.slice(0, 10)).toEqual(["-m", "org/model", "-a", "s", "--host", "127.0.0.1", "--port", "9000", "--metrics", "--jinja"]);
    expect(spec.args.slice(10)).toEqual(flags);
    expect(spec.readiness.loadingStatuses).toContain(503);
  });
});
