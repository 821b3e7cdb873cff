#!/usr/bin/env node
// The compiled CLI (dist/, built by `npm ci` / `npm run build`); package.json's `bin` points at it directly.
import { existsSync } from "node:fs";

const entry = new URL("../dist/cli/main.js", import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write("error: the CLI is not built (dist/cli/main.js missing) (run `npm ci` or `npm run build`)\n");
  process.exit(1);
}
await import(entry.href);
