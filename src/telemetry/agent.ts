import { readFileSync } from "node:fs";
import { packagePath } from "../util/paths.ts";
import type { Sidecar } from "../launchers/types.ts";

let script: string | undefined;

/** The agent's bash source (src/telemetry/agent.sh), shipped inline to wherever the engine runs. */
export function agentScript(): string {
  return (script ??= readFileSync(packagePath("src", "telemetry", "agent.sh"), "utf8"));
}

/** The telemetry agent as a launcher sidecar: `KIND` is nvidia, proc or auto (decided on the engine's host). */
export function agentSidecar(kind: string, intervalMs: number, outFile: string): Sidecar {
  return { name: "tunelab-telemetry", script: agentScript(), args: [kind, String(intervalMs)], outFile };
}
