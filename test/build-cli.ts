import { readdirSync, statSync, utimesSync } from "node:fs";
import { join } from "node:path";
import { execa } from "execa";
import { packagePath } from "../src/util/paths.ts";

/**
 * Vitest global setup: `npm run build` unless dist/ is newer than every source, so every test that spawns
 * `bench` (and every simulated engine the lab starts as `bench sim serve`) runs the compiled CLI of the
 * sources under test.
 */
export default async function buildCli(): Promise<void> {
  const stamp = packagePath("dist", ".tsbuildinfo");
  const built = mtime(stamp);
  const sources = [packagePath("package.json"), packagePath("tsconfig.json"), packagePath("tsconfig.build.json"), ...files(packagePath("src"))];
  if (built > 0 && sources.every((f) => mtime(f) < built)) return;
  const r = await execa("npm", ["run", "--silent", "build"], { cwd: packagePath(), reject: false, all: true });
  if (r.exitCode !== 0) throw new Error(`npm run build failed:\n${r.all}`);
  const now = new Date();
  utimesSync(stamp, now, now); // tsc leaves it alone when no output changed
}

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)]));
}

function mtime(file: string): number {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return 0;
  }
}
