import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Clock } from "../client/types.ts";
import type { Launcher } from "../launchers/types.ts";
import type { TelemetryConfig } from "./config.ts";
import type { AgentNotice } from "./feed.ts";

/** Telemetry settings of one grid run, shared by its engine starts. */
export interface TelemetryRun {
  /** nvidia, proc or auto. */
  kind: string;
  intervalMs: number;
  /** Where the agents' raw output goes: `<run dir>/telemetry/<server_id>.out`. */
  outFile(serverId: string): string;
  /** The lab's clock (ns) for a Unix time stamped by an agent. */
  toNs(wallS: number): number;
  notice(n: AgentNotice): void;
}

export interface TelemetryRunInput {
  config: TelemetryConfig;
  launcher: Launcher;
  simulated: boolean;
  runDir: string;
  clock: Clock;
  /** Prints a warning line (the progress observer's note). */
  warn(line: string): void;
}

/** The run's telemetry, or undefined when the grid says `telemetry: off` or the launcher cannot run a sampler. */
export function telemetryRun(input: TelemetryRunInput): TelemetryRun | undefined {
  const { config, launcher } = input;
  if (config.kind === "off") return undefined;
  if (!launcher.sidecars) {
    input.warn(`warning: telemetry: the ${launcher.kind} launcher cannot run a sampler beside the engine; telemetry columns left empty`);
    return undefined;
  }
  // the simulator is a CPU process whatever GPUs the host has
  const kind = config.kind === "auto" && input.simulated ? "proc" : config.kind;
  const dir = join(input.runDir, "telemetry");
  mkdirSync(dir, { recursive: true }); // here, not by the agent: on SLURM the job only redirects into it
  const wallMsAtZero = Date.now() - input.clock.now() / 1e6;
  const warned = new Set<string>();
  return {
    kind, intervalMs: config.interval_ms,
    outFile: (serverId) => join(dir, `${serverId}.out`),
    toNs: (wallS) => Math.round((wallS * 1000 - wallMsAtZero) * 1e6),
    notice(n) {
      if (n.level === "restart") return;
      const key = `${n.kind ?? kind}:${n.level}`; // once per run and sampler
      if (warned.has(key)) return;
      warned.add(key);
      const consequence = n.level === "error" ? ": telemetry columns left empty" : "";
      input.warn(`warning: telemetry: ${n.text}${consequence}`);
    },
  };
}
