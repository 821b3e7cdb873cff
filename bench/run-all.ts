/** `npm run bench:self`: runs every bench/*.bench.ts in turn (each in its own process), stops at the first failure. */
import { readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { execa } from "execa";

const dir = dirname(fileURLToPath(import.meta.url));
const files = readdirSync(dir).filter((f) => f.endsWith(".bench.ts")).sort();
for (const file of files) {
  process.stdout.write(`\n=== ${file}\n`);
  const result = await execa(process.execPath, ["--import", "tsx", join(dir, file)], { stdio: "inherit", reject: false });
  if (result.exitCode !== 0) {
    process.stderr.write(`${file} failed (exit ${result.exitCode})\n`);
    process.exit(result.exitCode ?? 1);
  }
}
