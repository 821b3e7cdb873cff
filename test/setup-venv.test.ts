import { existsSync, mkdirSync, mkdtempSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { LabError } from "../src/errors.ts";
import { ensurePinnedVenv, installedVenv, venvLayout, type PinnedVenvSpec } from "../src/setup/pinned-venv.ts";
import { BENCH_BIN } from "./helpers/bench-cli.ts";

/** The pinned-venv mechanism behind `bench setup vllm` / `litellm`, on small real packages from PyPI. */
describe("pinned venvs under the cache", () => {
  process.env.TUNELAB_CACHE = mkdtempSync(join(tmpdir(), "tunelab-venv-"));
  it("fails a missing version with the package and the installer's last error line (exit 1), leaving no venv", async () => {
    const spec: PinnedVenvSpec = { name: "six-test", package: "six", version: "0.0.1", executable: "python", python: [3, 9], debian: [] };
    const err = await ensurePinnedVenv(spec).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LabError);
    expect((err as LabError).exitCode).toBe(1);
    expect((err as LabError).message).toMatch(/^installing six==0\.0\.1 failed at uv pip install six==0\.0\.1: .*six/);
    expect((err as LabError).message.split("\n")).toHaveLength(1);
    expect(existsSync(venvLayout(spec).venv)).toBe(false);
    expect(installedVenv(spec)).toBeUndefined();
  }, 180_000);

  it("installs a pinned package once, then answers from the cache", async () => {
    const spec: PinnedVenvSpec = { name: "six-ok", package: "six", version: "1.17.0", executable: "python", python: [3, 9], debian: [] };
    const venv = await ensurePinnedVenv(spec);
    const r = await execa(venv.python, ["-c", "import six; print(six.__version__)"]);
    expect(r.stdout.trim()).toBe("1.17.0");
    expect(installedVenv(spec)?.executable).toBe(venv.executable);
    const t0 = Date.now();
    await ensurePinnedVenv(spec);
    expect(Date.now() - t0).toBeLessThan(1000);
  }, 180_000);

  it("`bench setup litellm` without python3 exits 2 naming the apt line", async () => {
    const bin = mkdtempSync(join(tmpdir(), "tunelab-nopy-"));
    mkdirSync(bin, { recursive: true });
    symlinkSync(process.execPath, join(bin, "node"));
    const r = await execa(process.execPath, [BENCH_BIN, "setup", "litellm"], {
      reject: false, env: { PATH: bin, TUNELAB_CACHE: mkdtempSync(join(tmpdir(), "tunelab-venv-")) }, extendEnv: false,
    });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/python3 not found.*apt-get install python3 python3-venv/);
  });
});
