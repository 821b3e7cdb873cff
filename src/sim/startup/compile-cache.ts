import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { SimConfig } from "../config.ts";

/** vLLM's torch.compile cache for this configuration: `$VLLM_CACHE_ROOT/torch_compile_cache/<hash>`. */
export function compileCacheDir(config: SimConfig): string {
  return join(config.env.cacheRoot, "torch_compile_cache", config.compileCacheHash);
}

export function hasCompileCache(config: SimConfig): boolean {
  return existsSync(compileCacheDir(config));
}

/** Written after a successful start, so the next start with the same configuration loads instead of compiling. */
export function writeCompileCache(config: SimConfig): void {
  const dir = join(compileCacheDir(config), "rank_0_0", "backbone");
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "vllm_compile_cache.py"), `# simulated torch.compile artifacts for ${config.modelTag}\n`);
}
