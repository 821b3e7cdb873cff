import { basename, dirname } from "node:path";
import type { LaunchSpec } from "../engines/types.ts";
import type { Grid } from "../grid/schema.ts";
import { secretArgs, secretSafeEnv } from "./shell.ts";
import { gpuDevices } from "../launchers/compose.ts";
import { engineFor } from "../engines/registry.ts";

const COMPILE_CACHE = "/root/.cache/vllm";
const HF_CACHE = "/root/.cache/huggingface";

export interface ComposeInput {
  name: string;
  engine: "vllm" | "llamacpp";
  /** Rendered for inside the container (host 0.0.0.0; llama.cpp model under /models). */
  spec: LaunchSpec;
  grid: Grid;
  /** Host path of a llama.cpp model file, mounted read-only at /models. */
  modelFile?: string;
  /** Whether the run used GPUs (llama.cpp only; vLLM always does). */
  gpu: boolean;
  /** Merged grid args and winning params, to size the GPU reservation. */
  args: Record<string, unknown>;
  /** The image the run measured (its docker launcher's `image`), else the upstream image. */
  image?: string;
}

/** GPUs vLLM needs: tensor x pipeline x data parallel sizes. */
function gpuCount(args: Record<string, unknown>): number {
  const size = (...names: string[]) => Number(names.map((n) => args[n]).find((v) => v !== undefined) ?? 1) || 1;
  return size("tensor-parallel-size", "tensor_parallel_size", "tp") * size("pipeline-parallel-size", "pipeline_parallel_size", "pp") * size("data-parallel-size", "data_parallel_size", "dp");
}

/** A docker compose project with one service, shaped like seed 001's profiles. */
export function composeProject(input: ComposeInput): Record<string, unknown> {
  const { name, engine, spec } = input;
  const adapter = engineFor(engine);
  const port = adapter.defaultPort;
  const images = adapter.images!;
  const { CUDA_VISIBLE_DEVICES: visible, ...rest } = secretSafeEnv(spec.env);
  const environment: Record<string, string> = { ...rest };
  const volumes: string[] = [];
  let command = secretArgs(spec.args, engine);
  let entrypoint: string[] | undefined;
  if (engine === "vllm") {
    entrypoint = ["vllm", "serve"];
    command = command[0] === "serve" ? command.slice(1) : command;
    environment.VLLM_CACHE_ROOT = COMPILE_CACHE;
    environment.HF_HOME = HF_CACHE;
    volumes.push(`\${HF_CACHE_DIR:-~/.cache/huggingface}:${HF_CACHE}`, `vllm-compile-cache:${COMPILE_CACHE}`);
  } else if (input.modelFile) {
    volumes.push(`${dirname(input.modelFile)}:/models:ro`);
  }
  const useGpu = engine === "vllm" || input.gpu;
  const device = gpuDevices(visible ? visible.split(",").map((s) => s.trim()).filter(Boolean) : engine === "vllm" ? gpuCount(input.args) : 1);
  const service: Record<string, unknown> = {
    image: input.image ?? (useGpu ? images.gpu ?? images.default : images.default),
    container_name: name,
    ...(entrypoint ? { entrypoint } : {}),
    command,
    ...(engine === "vllm" ? { ipc: "host" } : {}),
    ports: [`127.0.0.1:\${HOST_PORT:-${port}}:${port}`],
    ...(volumes.length ? { volumes } : {}),
    ...(Object.keys(environment).length ? { environment } : {}),
    ...(useGpu ? { deploy: { resources: { reservations: { devices: [device] } } } } : {}),
    healthcheck: {
      test: ["CMD", "curl", "-fsS", `http://localhost:${port}/health`],
      // healthy within 10 s of ready; failures during the start period (the whole startup timeout) do not count
      interval: "10s", timeout: "5s", retries: 5, start_period: `${input.grid.launcher.startup_timeout_s}s`,
    },
    restart: "unless-stopped",
  };
  // no top-level `name:`: docker-compose v1 rejects it (the project is named with `-p`, or after the folder)
  return {
    services: { [name]: service },
    ...(engine === "vllm" ? { volumes: { "vllm-compile-cache": {} } } : {}),
  };
}

/** Where a llama.cpp model file appears inside the container. */
export function containerModelPath(modelFile: string): string {
  return `/models/${basename(modelFile)}`;
}
