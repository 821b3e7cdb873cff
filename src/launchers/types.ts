import type { EngineAdapter, EngineKind, FailureCause, LaunchSpec } from "../engines/types.ts";

/** A started, ready engine. */
export interface EngineHandle {
  spec: LaunchSpec;
  /** Seconds from start to ready. */
  startupS: number;
  /** Resolves when the engine process exits (for whatever reason). */
  exited: Promise<{ code: number | null; signal: string | null }>;
  /** Stops the whole engine (process group, job, container) and confirms its port is free. */
  stop(): Promise<void>;
  /** Last lines of the engine's log, for failed rows. */
  logTail(lines?: number): string;
}

/**
 * A helper that runs beside the engine on the engine's host (the telemetry agent): `bash -c script name PID
 * ...args`, where PID is the engine's process (its process group's leader), with the engine's environment and
 * its output (both streams) to `outFile`, which the lab reads.
 */
export interface Sidecar {
  name: string;
  script: string;
  args: string[];
  outFile: string;
}

export interface LaunchRequest {
  /** Renders the launch spec once the launcher knows the host and port the engine will use. */
  render(host: string, port: number): LaunchSpec;
  engine: EngineAdapter;
  /** The run directory, the engine configuration's id and the grid's name (for job names and side files). */
  runDir: string;
  serverId: string;
  gridName: string;
  logFile: string;
  startupTimeoutMs: number;
  stopTimeoutMs: number;
  signal?: AbortSignal;
  /** Called with short phase descriptions for the progress display. */
  onPhase?(phase: string): void;
  options: Record<string, unknown>;
  /** Started with the engine by launchers that can (see Launcher.sidecars). */
  sidecar?: Sidecar;
}

/** What a launcher may check once before a run's first point. */
export interface PrepareContext {
  options: Record<string, unknown>;
  engine: EngineKind;
  /** One line for the user (warnings, a check that will fail every point). */
  note(line: string): void;
}

export interface Launcher {
  kind: string;
  /** Whether it runs a request's sidecar beside the engine. */
  sidecars?: boolean;
  /** Once per run, before any point: checks its tools (bad setup throws a LabError) and tidies up after earlier runs. */
  prepare?(ctx: PrepareContext): Promise<void>;
  /** Starts the engine and waits until ready; throws StartupFailure when it cannot. */
  start(request: LaunchRequest): Promise<EngineHandle>;
}

export class StartupFailure extends Error {
  constructor(
    readonly failureCause: FailureCause,
    readonly logTail: string,
    message: string,
  ) {
    super(message);
    this.name = "StartupFailure";
  }
}
