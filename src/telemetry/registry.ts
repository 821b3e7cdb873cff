import { badInput } from "../errors.ts";
import { nvidiaSampler } from "./nvidia.ts";
import { procSampler } from "./proc.ts";
import type { Sampler } from "./types.ts";

const SAMPLERS: Record<Sampler["kind"], Sampler> = { nvidia: nvidiaSampler, proc: procSampler };

/** What a grid's `telemetry` may name: a sampler kind, `auto` (chosen on the engine's host) or `off`. */
export function telemetryKinds(): string[] {
  return ["auto", "off", ...Object.keys(SAMPLERS)];
}

export function samplerFor(kind: string, where = "telemetry"): Sampler {
  const sampler = SAMPLERS[kind as Sampler["kind"]];
  if (!sampler) throw badInput(`${where}: unknown telemetry kind '${kind}'`, `known: ${telemetryKinds().join(", ")}`);
  return sampler;
}
