import { badInput } from "../errors.ts";
import { ccrSidecar } from "./ccr.ts";
import { labProxySidecar } from "./lab-proxy.ts";
import { litellmSidecar } from "./litellm.ts";
import type { SidecarKind } from "./kinds.ts";
import type { Sidecar } from "./types.ts";

/** Every sidecar, keyed on kind (the kinds themselves live in kinds.ts, which the grid schema reads). */
const SIDECARS: Record<SidecarKind, Sidecar> = { proxy: labProxySidecar, litellm: litellmSidecar, ccr: ccrSidecar };

export function sidecarKinds(): string[] {
  return Object.keys(SIDECARS);
}

export function isSidecarKind(kind: string): kind is SidecarKind {
  return Object.hasOwn(SIDECARS, kind);
}

export function sidecarFor(kind: string, where = "proxy"): Sidecar {
  const sidecar = isSidecarKind(kind) ? SIDECARS[kind] : undefined;
  if (!sidecar) throw badInput(`${where}: unknown proxy '${kind}'`, `known: ${sidecarKinds().join(", ")}`);
  return sidecar;
}
