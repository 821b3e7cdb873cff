import { accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";
import { badInput } from "../errors.ts";

/** What building llama.cpp needs; alternatives per need, the first name found on PATH satisfies it. */
export const BUILD_TOOLS = ["git", "cmake", "g++|c++|clang++", "gcc|cc|clang"];

export function onPath(name: string): boolean {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    if (!dir) continue;
    try {
      accessSync(join(dir, name), constants.X_OK);
      return true;
    } catch {
      // not in this directory
    }
  }
  return false;
}

/** Fails with one line naming every missing tool, before any work starts. */
export function requireTools(needs: string[] = BUILD_TOOLS, purpose = "to build llama.cpp"): void {
  const missing = needs.filter((alts) => !alts.split("|").some(onPath)).map((alts) => alts.split("|")[0]);
  if (missing.length > 0) {
    throw badInput(`missing system tools: ${missing.join(", ")} (needed ${purpose})`, "install them, e.g. apt-get install cmake g++ git");
  }
}
