import { statSync } from "node:fs";
import { resolve } from "node:path";
import { loadTrace } from "../trace/load.ts";
import type { Trace } from "../trace/schema.ts";

const loaded = new Map<string, Trace>();

/** A trace file read once per content (path, size, mtime), however many points replay it. */
export function cachedTrace(file: string, blockTokens: number): Trace {
  const path = resolve(file);
  let key = `${path}\0${blockTokens}`;
  try {
    const st = statSync(path);
    key += `\0${st.size}\0${st.mtimeMs}`;
  } catch {
    return loadTrace(path, { blockTokens }); // names the file and why it cannot be read
  }
  const hit = loaded.get(key);
  if (hit) return hit;
  const trace = loadTrace(path, { blockTokens });
  loaded.set(key, trace);
  return trace;
}
