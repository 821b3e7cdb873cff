import { badInput } from "../errors.ts";
import type { EngineAdapter, EngineKind, Simulation } from "../engines/types.ts";
import { DEFAULT_SIM_HARDWARE } from "../engines/sim.ts";
import { engineFor } from "../engines/registry.ts";
import type { Grid } from "../grid/schema.ts";

export interface ResolvedEngine {
  adapter: EngineAdapter;
  kind: EngineKind;
  binary: string;
  model: string;
  simulated: boolean;
  /** For simulated runs: the time scale and hardware every launch spec of the run is rendered with. */
  simulation?: Required<Simulation>;
}

export interface EngineOverrides {
  binary?: string;
  model?: string;
  simulate?: boolean;
  /** Simulator speed-up (`--time-scale`); only with `simulate`. */
  timeScale?: number;
  /** Simulator hardware profile (`--hardware`); only with `simulate`. */
  hardware?: string;
  /** Called before a first-use build or model generation, with progress lines. */
  onSetup?: (line: string) => void;
}

/**
 * The engine a grid runs on (its own, or with --simulate the engine that simulates it), and the binary and model
 * its plugin resolves: named by flag or grid, else found, built or generated on first use.
 */
export async function resolveEngine(grid: Grid, file: string, o: EngineOverrides = {}): Promise<ResolvedEngine> {
  const simulated = !!o.simulate;
  const adapter = simulated ? engineFor("sim") : engineFor(grid.engine);
  if (simulated && adapter.simulates !== grid.engine) {
    throw badInput(`${file}: --simulate needs 'engine: ${adapter.simulates}' (the simulator imitates it)`);
  }
  const { binary, model } = await adapter.resolve({ grid, file, binary: o.binary, model: o.model, onSetup: o.onSetup });
  const simulation = simulated ? { timeScale: o.timeScale ?? 1, hardware: o.hardware ?? DEFAULT_SIM_HARDWARE } : undefined;
  return { adapter, kind: adapter.kind, binary, model, simulated, simulation };
}

/** Engine version for the manifest, from the engine itself. */
export async function engineVersion(engine: ResolvedEngine): Promise<string | undefined> {
  return engine.adapter.version?.(engine.binary);
}
