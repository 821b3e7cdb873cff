import { createWriteStream, existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { failure } from "../errors.ts";
import { cacheDir } from "../util/paths.ts";
import { llamaBundle } from "./bundle.ts";
import { runLogged } from "./run-logged.ts";
import { withLock } from "./lock.ts";
import { ensureLlamaSource } from "./source.ts";
import { requireTools } from "./system-tools.ts";

export interface LlamaCppBuild {
  serverPath: string;
  benchPath: string;
  /** Cache key: bundle tag plus short commit. */
  version: string;
  /** The cloned source tree (models/ggml-vocab-*.gguf, models/templates/). */
  srcDir: string;
}

export interface EnsureLlamaCppOptions {
  onProgress?: (line: string) => void;
  force?: boolean;
}

/** Static CPU build, so the binaries run without the build tree. */
const CMAKE_FLAGS = [
  "-DCMAKE_BUILD_TYPE=Release", "-DBUILD_SHARED_LIBS=OFF", "-DLLAMA_CURL=OFF", "-DLLAMA_OPENSSL=OFF",
  "-DLLAMA_BUILD_TESTS=OFF", "-DLLAMA_BUILD_EXAMPLES=OFF",
];
const TARGETS = ["llama-server", "llama-bench"];

function layout(dir: string, version: string): LlamaCppBuild {
  const bin = join(dir, "build", "bin");
  return { serverPath: join(bin, "llama-server"), benchPath: join(bin, "llama-bench"), version, srcDir: join(dir, "src") };
}

function isBuilt(build: LlamaCppBuild): boolean {
  return existsSync(join(build.serverPath, "..", "..", "done.json")) && existsSync(build.serverPath) && existsSync(build.benchPath);
}

/**
 * Builds llama-server and llama-bench from the llama.cpp source bundled with node-llama-cpp, once per version,
 * under cacheDir("llama.cpp", version)/build. A build runs in build.partial (resumed after an interruption) and
 * is renamed into place when done; a lock makes concurrent callers wait for one build.
 */
export async function ensureLlamaCpp(opts: EnsureLlamaCppOptions = {}): Promise<LlamaCppBuild> {
  const say = opts.onProgress ?? (() => {});
  const { version } = llamaBundle();
  const dir = cacheDir("llama.cpp", version);
  const result = layout(dir, version);
  if (!opts.force && isBuilt(result)) return result;
  requireTools();
  mkdirSync(dir, { recursive: true });
  const onWait = (owner: string) => say(`waiting for the llama.cpp build held by ${owner}`);
  return withLock(join(dir, "build.lock"), async () => {
    if (!opts.force && isBuilt(result)) return result; // another process built it while we waited
    const work = join(dir, "build.partial");
    if (opts.force) rmSync(work, { recursive: true, force: true });
    const { srcDir } = await ensureLlamaSource(say);
    const started = Date.now();
    await compile(srcDir, work, say);
    const done = { version, cmakeFlags: CMAKE_FLAGS, targets: TARGETS, builtAt: new Date().toISOString() };
    writeFileSync(join(work, "done.json"), JSON.stringify(done, null, 2) + "\n");
    rmSync(join(dir, "build"), { recursive: true, force: true });
    renameSync(work, join(dir, "build"));
    say(`llama.cpp ${version} built in ${Math.round((Date.now() - started) / 1000)} s`);
    return result;
  }, onWait);
}

async function compile(srcDir: string, work: string, say: (line: string) => void): Promise<void> {
  mkdirSync(work, { recursive: true });
  const logPath = join(work, "build.log");
  const log = createWriteStream(logPath, { flags: "a" });
  try {
    say("configuring llama.cpp (cmake)");
    await runLogged(["cmake", "-S", srcDir, "-B", work, ...CMAKE_FLAGS], log, logPath);
    const jobs = String(availableParallelism());
    say(`building ${TARGETS.join(", ")} with ${jobs} jobs (log: ${logPath})`);
    let shown = -1; // make prints percentages per target, not monotonic: show only new highs
    await runLogged(["cmake", "--build", work, "--target", ...TARGETS, "-j", jobs], log, logPath, (line) => {
      const percent = Number(/^\[\s*(\d+)%\]/.exec(line)?.[1] ?? -1);
      if (percent > shown) say(`[${String(percent).padStart(3)}%] building llama.cpp`);
      shown = Math.max(shown, percent);
    });
  } finally {
    await new Promise((resolve) => log.end(resolve));
  }
}

/** Version line of a llama-server binary, e.g. { version: "0.5.0-dev", build: 1, commit: "de3ff81" }. */
export async function llamaServerVersion(serverPath: string): Promise<{ version: string; build: number; commit: string }> {
  const { all } = await execa(serverPath, ["--version"], { all: true, reject: false, stdin: "ignore" });
  const m = /^version: (\S+) \(build (\d+), commit ([0-9a-f]+)\)/m.exec(all ?? "") ?? /^version: (\d+) \(([0-9a-f]+)\)/m.exec(all ?? "");
  if (!m) throw failure(`cannot parse \`${serverPath} --version\` output: ${(all ?? "").trim().split("\n").pop()}`);
  return m.length === 4 ? { version: m[1], build: Number(m[2]), commit: m[3] } : { version: m[1], build: Number(m[1]), commit: m[2] };
}
