import { ensurePinnedVenv, installedVenv, type PinnedVenv, type PinnedVenvSpec } from "./pinned-venv.ts";

/**
 * LiteLLM's proxy. 1.108.7 is the newest whose `[proxy]` extra resolves from PyPI (1.108.8 and later pin
 * litellm-proxy-extras releases that were never published, 1.110 a litellm-proxy package that is not there);
 * 1.107.0, the compromised release, is avoided.
 */
export const LITELLM_SPEC: PinnedVenvSpec = {
  name: "litellm",
  package: "litellm",
  version: "1.108.7",
  extras: ["proxy"],
  executable: "litellm",
  python: [3, 9],
  debian: [],
};

export function ensureLitellm(opts: { onProgress?: (line: string) => void; force?: boolean } = {}): Promise<PinnedVenv> {
  return ensurePinnedVenv(LITELLM_SPEC, opts);
}

export function installedLitellm(): PinnedVenv | undefined {
  return installedVenv(LITELLM_SPEC);
}
