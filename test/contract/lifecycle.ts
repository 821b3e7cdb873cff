import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "vitest";
import type { EngineAdapter, Simulation } from "../../src/engines/types.ts";
import { parseGrid } from "../../src/grid/load.ts";
import type { Grid } from "../../src/grid/schema.ts";
import { portInUse } from "../../src/launchers/ports.ts";
import { probe } from "../../src/launchers/readiness.ts";
import type { EngineHandle, Launcher } from "../../src/launchers/types.ts";
import { readFileSync } from "node:fs";
import { processesMatching } from "../helpers/engine-procs.ts";

function commandLine(pid: number): string {
  try {
    return `${pid}: ${readFileSync(`/proc/${pid}/cmdline`, "utf8").replace(/\0/g, " ").slice(0, 200)}`;
  } catch {
    return `${pid}: (gone)`;
  }
}

/** What a contract run starts: an engine plugin with the binary and model it runs here, under a unique alias. */
export interface EngineUnderTest {
  adapter: EngineAdapter;
  grid: Grid;
  binary: string;
  model: string;
  /** Unique in the engine's command line, to find its processes. */
  alias: string;
  /** The simulator's speed-up and hardware, for simulated engines. */
  simulation?: Simulation;
}

/** A small grid for `adapter` whose served name is a unique alias (so the test can find the engine's processes). */
export function engineUnderTest(
  adapter: EngineAdapter, engineYaml: string, binary: string, model: string, args: Record<string, unknown> = {}, env: Record<string, string> = {},
): EngineUnderTest {
  const alias = `contract-${adapter.kind}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  const grid = parseGrid(
    `name: contract\nengine: ${engineYaml}\nmodel: ${model}\nserved_name: ${alias}\nargs: ${JSON.stringify(args)}\nenv: ${JSON.stringify(env)}\nsuites: [{ kind: chat }]\n`,
    "contract.yaml",
  );
  return { adapter, grid, binary, model, alias };
}

/** Starts the engine through the launcher as the lab does. */
export async function start(launcher: Launcher, e: EngineUnderTest, options: Record<string, unknown> = {}): Promise<EngineHandle> {
  const runDir = mkdtempSync(join(tmpdir(), "tunelab-contract-"));
  return launcher.start({
    render: (host, port) => e.adapter.render({ grid: e.grid, server: {}, host, port, binary: e.binary, model: e.model, simulation: e.simulation }),
    engine: e.adapter,
    runDir,
    serverId: e.alias,
    gridName: "contract",
    logFile: join(runDir, "logs", `${e.alias}.log`),
    startupTimeoutMs: 900_000,
    stopTimeoutMs: 5_000,
    options,
  });
}

/** The checks every plugin goes through: started, ready (its readiness probe answers 200), stopped, port freed, nothing left running. */
export async function checkLifecycle(launcher: Launcher, e: EngineUnderTest, options: Record<string, unknown> = {}, use?: (handle: EngineHandle) => Promise<void>): Promise<void> {
  const handle = await start(launcher, e, options);
  let stopped = false;
  try {
    expect(handle.spec.servedName).toBe(e.alias);
    expect(handle.startupS).toBeGreaterThan(0);
    expect(await probe(handle.spec)).toBe("ready");
    expect(processesMatching(e.alias).length).toBeGreaterThan(0);
    await use?.(handle);
    await handle.stop();
    stopped = true;
    expect(await portInUse(handle.spec.host, handle.spec.port)).toBe(false);
    // a KILLed process takes a moment to be gone from /proc
    for (let i = 0; i < 50 && processesMatching(e.alias).length; i++) await new Promise((r) => setTimeout(r, 100));
    expect(processesMatching(e.alias).map(commandLine)).toEqual([]);
  } finally {
    if (!stopped) await handle.stop();
  }
}
