import { ensureLlamaCpp } from "./llamacpp.ts";
import { ensureTinyModel } from "./tiny-model.ts";

export { ensureLlamaCpp, llamaServerVersion, type LlamaCppBuild } from "./llamacpp.ts";
export { ensureLlamaSource, type LlamaSource } from "./source.ts";
export { ensureTinyModel, type TinyModelOptions } from "./tiny-model.ts";
export { onPath, requireTools } from "./system-tools.ts";

/** The real CPU engine for tests: llama-server and the default tiny model (instant once test/global-setup ran). */
export async function testEngine(onProgress?: (line: string) => void): Promise<{ serverPath: string; modelPath: string }> {
  const { serverPath } = await ensureLlamaCpp({ onProgress });
  const { path: modelPath } = await ensureTinyModel({ onProgress });
  return { serverPath, modelPath };
}
