import { badInput } from "../errors.ts";
import { ccrSidecar } from "./ccr.ts";
import { labProxySidecar } from "./lab-proxy.ts";
import { litellmSidecar } from "./litellm.ts";
import type { Sidecar } from "./types.ts";

const SIDECARS: Record<string, Sidecar> = { proxy: labProxySidecar, litellm: litellmSidecar, ccr: ccrSidecar };

export function sidecarKinds(): string[] {
  return Object.keys(SIDECARS);
}

export function isSidecarKind(kind: string): boolean {
  return kind in SIDECARS;
}

export function sidecarFor(kind: string, where = "proxy"): Sidecar {
  const sidecar = SIDECARS[kind];
  if (!sidecar) throw badInput(`${where}: unknown proxy '${kind}'`, `known: ${sidecarKinds().join(", ")}`);
  return sidecar;
}
