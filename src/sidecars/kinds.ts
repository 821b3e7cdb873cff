/** The proxies the lab can start in front of an engine, as grids name them (kept light: the grid schema reads it). */
export const SIDECAR_KINDS = ["proxy", "litellm", "ccr"] as const;

export type SidecarKind = (typeof SIDECAR_KINDS)[number];
