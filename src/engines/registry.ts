import { badInput } from "../errors.ts";
import { llamaCppAdapter } from "./llamacpp.ts";
import { simAdapter } from "./sim.ts";
import type { EngineAdapter } from "./types.ts";
import { vllmAdapter } from "./vllm.ts";

/** Every engine, keyed on kind: adding one is its file plus one line here. */
const ENGINES = { llamacpp: llamaCppAdapter, vllm: vllmAdapter, sim: simAdapter } satisfies Record<string, EngineAdapter>;

export type EngineKind = keyof typeof ENGINES;

export function engineFor(kind: string, where = "engine"): EngineAdapter {
  const engine = ENGINES[kind as EngineKind];
  if (!engine) throw badInput(`${where}: unknown engine '${kind}'`, `known: ${engineKinds().join(", ")}`);
  return engine;
}

export function engineKinds(): EngineKind[] {
  return Object.keys(ENGINES) as EngineKind[];
}

/** The kinds a grid's `engine:` may name (the grid schema's enum). */
export function gridEngineKinds(): [EngineKind, ...EngineKind[]] {
  const kinds = engineKinds().filter((k) => ENGINES[k].inGrids);
  return [kinds[0], ...kinds.slice(1)];
}

/** Each engine's default image (the docker launcher's table). */
export function engineImages(): Partial<Record<EngineKind, string>> {
  return Object.fromEntries(engineKinds().flatMap((k) => (ENGINES[k].images ? [[k, ENGINES[k].images.default]] : [])));
}

/** Whose metric names a scrape holds, by the engines' prefixes (`vllm:`, `llamacpp:`). */
export function metricsOwner(names: Iterable<string>): EngineKind | null {
  const owners = engineKinds().filter((k) => ENGINES[k].serverMetrics);
  for (const name of names) {
    const owner = owners.find((k) => name.startsWith(ENGINES[k].serverMetrics!.prefix));
    if (owner) return owner;
  }
  return null;
}
