import { testEngine } from "../src/setup/index.ts";

/** Builds llama.cpp and the tiny model once before all tests (from scratch on CI, instant when cached). */
export default async function setup(): Promise<void> {
  const t0 = Date.now();
  const say = (line: string) => process.stderr.write(`[setup ${Math.round((Date.now() - t0) / 1000)}s] ${line}\n`);
  await testEngine(say);
}
