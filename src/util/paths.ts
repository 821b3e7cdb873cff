import { homedir } from "node:os";
import { join, resolve, dirname } from "node:path";
import { fileURLToPath } from "node:url";

/** Root of the lab's cache (builds, generated models, compile caches); TUNELAB_CACHE overrides. */
export function cacheDir(...parts: string[]): string {
  const root = process.env.TUNELAB_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "tunelab");
  return join(root, ...parts);
}

/** Absolute path inside this package (grids/, suites/, node_modules/). */
export function packagePath(...parts: string[]): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), "..", "..", ...parts);
}

/** The compiled CLI (built by `npm ci` / `npm run build`) that every `bench` the lab spawns runs, e.g. `bench sim serve`. */
export function benchEntry(): string {
  return packagePath("dist", "cli", "main.js");
}
