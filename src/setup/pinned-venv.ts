import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { failure } from "../errors.ts";
import { cacheDir } from "../util/paths.ts";
import { ensureDebianPackages } from "./apt.ts";
import { withLock } from "./lock.ts";
import { requirePython3 } from "./python.ts";
import { runCapturing } from "./run-capturing.ts";

/** The installer inside every venv: resolves and downloads in parallel, and keeps a cache so a retry resumes. */
const UV = "uv==0.13.9";

/** One pinned Python package in its own venv under the lab's cache, set up by `bench setup <name>`. */
export interface PinnedVenvSpec {
  /** `bench setup` name and cache folder: cacheDir(name, version). */
  name: string;
  package: string;
  version: string;
  extras?: string[];
  /** Console script the package installs. */
  executable: string;
  /** Oldest python3 the package supports. */
  python: [number, number];
  /** Debian packages it needs at run time. */
  debian: string[];
  /**
   * Install the package alone, then its requirements with local version labels dropped: PyPI serves
   * `torch==2.13.0`, never `torch==2.13.0+cpu` (that lives on PyTorch's own index).
   */
  dropLocalVersions?: boolean;
  /** Work inside the finished venv; returns the path `bench setup` prints, if not the console script. */
  finish?: (venv: VenvLayout) => string | void;
}

export interface VenvLayout {
  dir: string;
  venv: string;
  bin: string;
  python: string;
  sitePackages: string;
}

export interface PinnedVenv extends VenvLayout {
  /** What to run: the console script, or the spec's wrapper. */
  executable: string;
  version: string;
}

const Done = z.object({ package: z.string(), version: z.string(), executable: z.string() });

export function venvLayout(spec: PinnedVenvSpec): VenvLayout {
  const dir = cacheDir(spec.name, spec.version);
  const venv = join(dir, "venv");
  const bin = join(venv, "bin");
  return { dir, venv, bin, python: join(bin, "python"), sitePackages: "" };
}

/** The installed venv if `bench setup` finished it, else undefined (nothing is installed here). */
export function installedVenv(spec: PinnedVenvSpec): PinnedVenv | undefined {
  const layout = venvLayout(spec);
  try {
    const done = Done.parse(JSON.parse(readFileSync(join(layout.dir, "done.json"), "utf8")));
    if (done.version !== spec.version || !existsSync(done.executable)) return undefined;
    return { ...layout, sitePackages: sitePackagesOf(layout), executable: done.executable, version: spec.version };
  } catch {
    return undefined;
  }
}

/**
 * Creates the venv and installs the pinned package, once per version; a lock makes concurrent callers wait.
 * A failed or interrupted install leaves no venv behind (the download cache stays, so a retry resumes).
 */
export async function ensurePinnedVenv(spec: PinnedVenvSpec, opts: { onProgress?: (line: string) => void; force?: boolean } = {}): Promise<PinnedVenv> {
  const say = opts.onProgress ?? (() => {});
  const ready = !opts.force && installedVenv(spec);
  if (ready) return ready;
  const python3 = await requirePython3(spec.python);
  await ensureDebianPackages(spec.debian, say);
  const layout = venvLayout(spec);
  mkdirSync(layout.dir, { recursive: true });
  const onWait = (owner: string) => say(`waiting for the ${spec.name} setup held by ${owner}`);
  return withLock(join(layout.dir, "setup.lock"), async () => {
    const again = !opts.force && installedVenv(spec);
    if (again) return again;
    rmSync(join(layout.dir, "done.json"), { force: true });
    rmSync(layout.venv, { recursive: true, force: true });
    const started = Date.now();
    try {
      const executable = await install(spec, layout, python3, say);
      writeFileSync(join(layout.dir, "done.json"), JSON.stringify({ package: spec.package, version: spec.version, executable, installedAt: new Date().toISOString(), seconds: Math.round((Date.now() - started) / 1000) }, null, 2) + "\n");
      say(`${spec.package} ${spec.version} installed in ${Math.round((Date.now() - started) / 1000)} s`);
      return { ...layout, sitePackages: sitePackagesOf(layout), executable, version: spec.version };
    } catch (err) {
      rmSync(layout.venv, { recursive: true, force: true });
      throw err;
    }
  }, onWait);
}

async function install(spec: PinnedVenvSpec, layout: VenvLayout, python3: string, say: (line: string) => void): Promise<string> {
  const log = join(layout.dir, "setup.log");
  const requirement = `${spec.package}${spec.extras?.length ? `[${spec.extras.join(",")}]` : ""}==${spec.version}`;
  const run = async (what: string, cmd: string[]) => {
    const r = await runCapturing(cmd, log, { UV_CACHE_DIR: cacheDir("uv"), UV_PYTHON_DOWNLOADS: "never", UV_NO_PROGRESS: "1" });
    if (r.exitCode !== 0) throw failure(`installing ${requirement} failed at ${what}: ${r.lastLine}`, `full log: ${log}`);
    return r.stdout;
  };
  say(`creating a venv in ${layout.venv}`);
  await run("python3 -m venv", [python3, "-m", "venv", layout.venv]);
  await run(`pip install ${UV}`, [join(layout.bin, "pip"), "install", "-q", UV]);
  const uv = [join(layout.bin, "uv"), "pip", "install", "--python", layout.python];
  say(`installing ${requirement} (log: ${log})`);
  if (spec.dropLocalVersions) {
    await run(`uv pip install --no-deps ${requirement}`, [...uv, "--no-deps", requirement]);
    const reqs = await run("reading its requirements", [layout.python, "-c", READ_REQUIREMENTS, spec.package]);
    const file = join(layout.dir, "requirements.txt");
    writeFileSync(file, reqs);
    await run(`uv pip install -r ${file}`, [...uv, "-r", file]);
  } else {
    await run(`uv pip install ${requirement}`, [...uv, requirement]);
  }
  const full = { ...layout, sitePackages: sitePackagesOf(layout) };
  const executable = spec.finish?.(full) ?? join(layout.bin, spec.executable);
  if (!existsSync(executable)) throw failure(`installing ${requirement} left no ${executable}`, `full log: ${log}`);
  return executable;
}

/** The package's requirements, one per line, with `+local` labels dropped from pinned versions. */
const READ_REQUIREMENTS = String.raw`
import importlib.metadata as m, re, sys
for r in m.requires(sys.argv[1]) or []:
    print(re.sub(r'(===?\s*[^;,\s+]+)\+[A-Za-z0-9.]+', r'\1', r))
`;

function sitePackagesOf(layout: VenvLayout): string {
  const lib = join(layout.venv, "lib");
  const version = existsSync(lib) ? readdirSync(lib).find((d) => /^python3\.\d+$/.test(d)) : undefined;
  return join(lib, version ?? "python3", "site-packages");
}
