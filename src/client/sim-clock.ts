import { randomBytes } from "node:crypto";
import { fetchText } from "./server-probe.ts";
import { SIM_INFO_PATH, SIM_LANES_PATH } from "../util/sim-clock-protocol.ts";

/** What the simulator reports about itself (GET /tunelab/sim/info); undefined from any other server. */
export interface SimInfo {
  time_scale: number;
  hardware: string;
  startup_s: number;
  /** Simulated seconds the engine has served users (steps, and think time while lanes were open). */
  active_s: number;
  now_ns: number;
  late_requests: number;
  late_s: number;
  expired_holds: number;
  open_lanes: number;
}

export async function simInfo(engineUrl: string, apiKey?: string): Promise<SimInfo | undefined> {
  const res = await fetchText(`${engineUrl}${SIM_INFO_PATH}`, { apiKey });
  if (res?.status !== 200) return undefined;
  try {
    const info = JSON.parse(res.body) as Partial<SimInfo>;
    return typeof info.startup_s === "number" && typeof info.now_ns === "number" ? (info as SimInfo) : undefined;
  } catch {
    return undefined;
  }
}

/** Fresh lane ids (unique per engine: several suites and runs may share one). */
export function newLaneIds(count: number): string[] {
  const prefix = randomBytes(6).toString("hex");
  return Array.from({ length: count }, (_, i) => `${prefix}-${i}`);
}

/** Opens lanes on the simulator and returns its present (simulator-clock ns), the lanes' first arrival time. */
export async function openLanes(engineUrl: string, lanes: readonly string[], apiKey?: string): Promise<number> {
  const res = await fetchText(`${engineUrl}${SIM_LANES_PATH}`, { method: "POST", body: { hold: lanes }, apiKey });
  if (res?.status !== 200) throw new Error(`simulator lanes: ${res ? `HTTP ${res.status}` : "no answer"} from ${engineUrl}${SIM_LANES_PATH}`);
  return (JSON.parse(res.body) as { now_ns: number }).now_ns;
}

export async function releaseLanes(engineUrl: string, lanes: readonly string[], apiKey?: string): Promise<void> {
  await fetchText(`${engineUrl}${SIM_LANES_PATH}`, { method: "POST", body: { release: lanes }, apiKey });
}
