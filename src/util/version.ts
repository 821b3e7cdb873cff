import { readFileSync } from "node:fs";
import { packagePath } from "./paths.ts";

export function labVersion(): string {
  const pkg = JSON.parse(readFileSync(packagePath("package.json"), "utf8")) as { version: string };
  return pkg.version;
}
