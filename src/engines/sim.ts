import { benchEntry } from "../util/paths.ts";
import { renderVllm } from "./vllm.ts";
import { classifyVllmLog } from "./vllm-classify.ts";
import { vllmAdapter } from "./vllm.ts";
import type { EngineAdapter } from "./types.ts";
import { labVersion } from "../util/version.ts";

/** Time scale for simulated runs; set by `bench grid --simulate --time-scale K`. */
export const SIM_TIME_SCALE_ENV = "TUNELAB_SIM_TIME_SCALE";
/** Hardware profile for simulated runs (`src/sim/profiles/<name>.yaml`); set by `bench grid --hardware NAME`. */
export const SIM_HARDWARE_ENV = "TUNELAB_SIM_HARDWARE";

/**
 * The vLLM simulator: the exact argv the vLLM adapter renders, run by `bench sim serve` instead of `vllm serve`,
 * so the simulator exercises the same flags, readiness and log classification.
 */
export const simAdapter: EngineAdapter = {
  kind: "sim",
  installHint: "the simulator ships with the lab; run `npm ci`",
  inGrids: false,
  simulates: "vllm",
  defaultBinary: process.execPath,
  defaultPort: vllmAdapter.defaultPort,
  async resolve({ grid, model }) {
    return { binary: process.execPath, model: model ?? grid.model };
  },
  async version() {
    return `tunelab-sim ${labVersion()}`;
  },
  render(input) {
    const scale = process.env[SIM_TIME_SCALE_ENV] ?? "1";
    const spec = renderVllm(input, process.execPath, [benchEntry(), "sim", "serve"]);
    const hardware = process.env[SIM_HARDWARE_ENV];
    return { ...spec, engine: "sim", args: [...spec.args, "--time-scale", scale, ...(hardware ? ["--hardware", hardware] : [])] };
  },
  classifyLog: classifyVllmLog,
  checkParam: vllmAdapter.checkParam,
};
