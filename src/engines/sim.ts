import { benchEntry } from "../util/paths.ts";
import { renderVllm } from "./vllm.ts";
import { classifyVllmLog } from "./vllm-classify.ts";
import { vllmAdapter } from "./vllm.ts";
import type { EngineAdapter } from "./types.ts";
import { labVersion } from "../util/version.ts";

/** The simulator's hardware profile when `--hardware` names none (`src/sim/profiles/<name>.yaml`). */
export { DEFAULT_PROFILE as DEFAULT_SIM_HARDWARE } from "../sim/profile.ts";

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
    const { timeScale = 1, hardware } = input.simulation ?? {};
    const spec = renderVllm(input, process.execPath, [benchEntry(), "sim", "serve"]);
    return { ...spec, engine: "sim", args: [...spec.args, "--time-scale", String(timeScale), ...(hardware ? ["--hardware", hardware] : [])] };
  },
  classifyLog: classifyVllmLog,
  checkParam: vllmAdapter.checkParam,
};
