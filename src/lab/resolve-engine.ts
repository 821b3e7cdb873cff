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
    const binary = o.binary ?? grid.binary ?? "vllm";
    if (!(binary.includes("/") ? existsSync(binary) : onPath(binary))) {
      throw badInput(`${file}: vLLM executable '${binary}' not found`, adapter.installHint);
    }
    return { adapter, kind, binary, model: modelName, simulated };
  }
  const binary = o.binary ?? grid.binary ?? (await buildLlamaServer(o.onSetup));
  if (!existsSync(binary)) throw badInput(`llama-server binary '${binary}' not found`, adapter.installHint);
  const model = modelName === "tiny" ? await tinyModel(o.onSetup) : resolve(modelName);
  if (!existsSync(model)) throw badInput(`${file}: field 'model': no such file '${modelName}'`, "give the path of a .gguf, or `tiny` for the generated test model");
  return { adapter, kind, binary, model, simulated };
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
  const { execa } = await import("execa");
  const r = await execa(engine.binary, ["--version"], { reject: false, timeout: 60_000, stdin: "ignore" });
  return r.exitCode === 0 ? `vllm ${String(r.stdout).trim().split("\n").pop()}` : undefined;
}
