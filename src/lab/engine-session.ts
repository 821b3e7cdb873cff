import type { LaunchSpec } from "../engines/types.ts";
import { probe } from "../launchers/readiness.ts";
import { expandEnv } from "../util/env.ts";
import { registerLaunchSecrets } from "../util/secrets.ts";
import { StartupFailure, type EngineHandle, type Sidecar } from "../launchers/types.ts";
import type { Point } from "../grid/expand.ts";
import type { GroupContext } from "./run-group.ts";
import { simInfo } from "../client/sim-clock.ts";
import { SIM_INFO_PATH } from "../util/sim-clock-protocol.ts";

/** startupS: seconds from launch to ready (the simulator's own, simulated, startup on the simulator). */
export type Started = { ok: true; handle: EngineHandle; startupS: number } | { ok: false; failure: StartupFailure };

/** Starts the engine of a server group through the grid's launcher; a failed start is returned, not thrown. */
export async function startEngine(ctx: GroupContext, point: Point, sidecar?: Sidecar): Promise<Started> {
  const { grid, engine, store, progress } = ctx;
  try {
    const handle = await ctx.launcher.start({
      render: (host, port) => withSecretsKnown(engine.adapter.render({
        grid, server: point.server, host, port, binary: engine.binary, model: engine.model, simulation: engine.simulation,
      })),
      engine: engine.adapter,
      runDir: store.dir,
      serverId: point.serverId,
      gridName: grid.name,
      logFile: store.logFile(point.serverId),
      startupTimeoutMs: grid.launcher.startup_timeout_s * 1000,
      stopTimeoutMs: grid.launcher.stop_timeout_s * 1000,
      signal: ctx.signal,
      onPhase: (p) => progress.phase(p),
      options: grid.launcher.options,
      sidecar,
    });
    return { ok: true, handle, startupS: engine.simulated ? await simulatedStartup(handle) : handle.startupS };
  } catch (err) {
    return { ok: false, failure: err instanceof StartupFailure ? err : new StartupFailure("crashed", "", (err as Error).message) };
  }
}

/** How an engine ended, for failed rows: `exited with code 137`, `killed by SIGKILL`. */
export function describeExit(exit: { code: number | null; signal: string | null }): string {
  if (exit.signal) return `killed by ${exit.signal}`;
  if (exit.code !== null && exit.code > 128) return `exited with code ${exit.code} (signal ${exit.code - 128})`;
  return `exited with code ${exit.code}`;
}

/** The engine's exit, if it has exited (or exits within `graceMs`: a killed engine's sockets close a moment before its process is reaped). */
export async function exitOf(handle: EngineHandle, graceMs = 0): Promise<{ code: number | null; signal: string | null } | undefined> {
  let timer: NodeJS.Timeout | undefined;
  // a referenced timer: between points nothing else may keep the event loop alive (idle sockets are unref'd)
  const late = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), graceMs)));
  try {
    return await Promise.race([handle.exited, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** Whether the engine is alive and answers its readiness probe (a frozen one does not, within the probe's timeout). */
export async function stillServing(handle: EngineHandle, timeoutMs = 3000): Promise<boolean> {
  if (await exitOf(handle)) return false;
  return (await probe(handle.spec, timeoutMs)) === "ready";
}

/** Registers the secrets of a rendered launch spec (key flags, secret-named env as written and as expanded). */
function withSecretsKnown(spec: LaunchSpec): LaunchSpec {
  let expanded: Record<string, string> = {};
  try {
    expanded = expandEnv(spec.env);
  } catch {
    // an unset reference fails the launch itself, with its own message
  }
  registerLaunchSecrets(spec.args, spec.env);
  registerLaunchSecrets(spec.args, expanded);
  return spec;
}

/**
 * The simulator's own startup time (simulated, so the same at every time scale). A server that cannot say is
 * not the simulator the lab started: it is stopped and the start fails rather than measuring someone else's.
 */
async function simulatedStartup(handle: EngineHandle): Promise<number> {
  const info = await simInfo(handle.spec.baseUrl);
  if (info) return info.startup_s;
  const tail = handle.logTail();
  await handle.stop();
  throw new StartupFailure("readiness_rejected", tail, `the server on ${handle.spec.baseUrl} is not the simulator the lab started (GET ${SIM_INFO_PATH} has no answer): another process holds the port`);
}
