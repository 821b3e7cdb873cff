import { existsSync, mkdirSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import { execa } from "execa";
import { failure } from "../errors.ts";
import { cacheDir } from "../util/paths.ts";
import { llamaBundle } from "./bundle.ts";
import { requireTools } from "./system-tools.ts";

export interface LlamaSource {
  /** Cache key: bundle tag plus short commit. */
  version: string;
  /** cacheDir("llama.cpp", version): holds src/ and build/. */
  dir: string;
  srcDir: string;
}

/**
 * Clones the llama.cpp source bundled with node-llama-cpp into the cache once per version (needs git only).
 * Clones land in a unique temp folder renamed into place, so concurrent callers never see half a tree.
 */
export async function ensureLlamaSource(say: (line: string) => void = () => {}): Promise<LlamaSource> {
  const bundle = llamaBundle();
  const dir = cacheDir("llama.cpp", bundle.version);
  const srcDir = join(dir, "src");
  const result = { version: bundle.version, dir, srcDir };
  if (existsSync(join(srcDir, "CMakeLists.txt"))) return result;
  requireTools(["git"], "to unpack the llama.cpp source");
  mkdirSync(dir, { recursive: true });
  const tmp = join(dir, `src.tmp-${process.pid}-${Date.now()}`);
  say(`cloning llama.cpp ${bundle.version}`);
  try {
    const res = await execa("git", ["clone", "--quiet", bundle.path, tmp], { all: true, reject: false, stdin: "ignore" });
    if (res.failed) throw failure(`git clone of ${bundle.path} failed: ${(res.all ?? res.message).trim()}`);
    try {
      renameSync(tmp, srcDir);
    } catch (err) {
      if (!existsSync(join(srcDir, "CMakeLists.txt"))) throw err; // otherwise another process won the race
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  return result;
}
