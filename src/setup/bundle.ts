import { closeSync, existsSync, openSync, readFileSync, readSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { failure } from "../errors.ts";

export interface LlamaBundle {
  path: string;
  tag: string;
  commit: string;
  /** Cache key: tag plus short commit, e.g. "b6000-de3ff81". */
  version: string;
}

/** The llama.cpp source that node-llama-cpp ships as a git bundle, identified without running git. */
export function llamaBundle(): LlamaBundle {
  const pkgDir = nodeLlamaCppDir();
  const path = join(pkgDir, "llama", "gitRelease.bundle");
  const infoPath = join(pkgDir, "llama", "llama.cpp.info.json");
  let tag: string;
  try {
    tag = (JSON.parse(readFileSync(infoPath, "utf8")) as { tag: string }).tag;
  } catch (err) {
    throw failure(`cannot read ${infoPath}: ${(err as Error).message}`, "reinstall with npm ci");
  }
  const commit = bundleHead(path);
  return { path, tag, commit, version: `${tag}-${commit.slice(0, 7)}` };
}

/** node-llama-cpp's package folder, found the way Node resolves it (its exports hide package.json). */
function nodeLlamaCppDir(): string {
  const searched = createRequire(import.meta.url).resolve.paths("node-llama-cpp") ?? [];
  const dir = searched.map((p) => join(p, "node-llama-cpp")).find((d) => existsSync(join(d, "llama", "gitRelease.bundle")));
  if (!dir) throw failure("node-llama-cpp's llama.cpp source bundle is missing", "run npm ci in the tunelab folder");
  return dir;
}

/** Reads the bundle's text header ("# v2 git bundle", then "<sha> <ref>" lines) and returns HEAD's sha. */
function bundleHead(path: string): string {
  const head = Buffer.alloc(4096);
  let got: number;
  try {
    const fd = openSync(path, "r");
    got = readSync(fd, head, 0, head.length, 0);
    closeSync(fd);
  } catch (err) {
    throw failure(`cannot read ${path}: ${(err as Error).message}`, "reinstall with npm ci");
  }
  const lines = head.subarray(0, got).toString("latin1").split("\n");
  if (!/^# v[23] git bundle$/.test(lines[0] ?? "")) throw failure(`${path} is not a git bundle`);
  const refs = lines.slice(1).map((l) => /^([0-9a-f]{40,64}) (\S+)$/.exec(l)).filter((m) => m !== null);
  const ref = refs.find((m) => m[2] === "HEAD") ?? refs[0];
  if (!ref) throw failure(`${path}: no refs in the bundle header`);
  return ref[1];
}
