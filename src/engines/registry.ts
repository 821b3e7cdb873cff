import { badInput } from "../errors.ts";
import { commandAdapter } from "./command.ts";
import { llamaCppAdapter } from "./llamacpp.ts";
import { simAdapter } from "./sim.ts";
import type { EngineAdapter, EngineKind } from "./types.ts";
import { vllmAdapter } from "./vllm.ts";

const ENGINES: Record<EngineKind, EngineAdapter> = { llamacpp: llamaCppAdapter, vllm: vllmAdapter, sim: simAdapter, command: commandAdapter };

export function engineFor(kind: string, where = "engine"): EngineAdapter {
  const engine = ENGINES[kind as EngineKind];
  if (!engine) throw badInput(`${where}: unknown engine '${kind}'`, `known: ${Object.keys(ENGINES).join(", ")}`);
  return engine;
}
