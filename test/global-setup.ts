import { testEngine } from "../src/setup/index.ts";
import { ensureTinyHfModel } from "../src/setup/tiny-hf.ts";
import { ensureVllm } from "../src/setup/vllm.ts";

/**
 * Builds llama.cpp and the tiny model, installs vLLM's CPU build (`bench setup vllm`) and writes the Hugging Face
 * tiny models, once before all tests (from scratch on CI, instant when cached).
 */
export default async function setup(): Promise<void> {
  const t0 = Date.now();
  const say = (line: string) => process.stderr.write(`[setup ${Math.round((Date.now() - t0) / 1000)}s] ${line}\n`);
  await testEngine(say);
  await ensureVllm({ onProgress: say });
  await ensureTinyHfModel({ onProgress: say });
  await ensureTinyHfModel({ moe: true, onProgress: say });
}
