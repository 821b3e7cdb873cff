import type { IncomingMessage } from "node:http";
import { SIM_AT_HEADER, SIM_LANE_HEADER, SIM_STAMP_FIELD } from "../util/sim-clock-protocol.ts";

/**
 * The lab's simulator-clock headers of a client request, passed on to the engine (a simulator uses them, a
 * real engine ignores them), so lanes and arrival times work through the proxy too.
 */
export function simClockHeaders(req: IncomingMessage): Record<string, string> | undefined {
  let out: Record<string, string> | undefined;
  for (const name of [SIM_AT_HEADER, SIM_LANE_HEADER]) {
    const v = req.headers[name];
    if (typeof v === "string") (out ??= {})[name] = v;
  }
  return out;
}

/** Adds the simulator's stamp to every SSE frame of `frames` (each `data:` JSON object ends with `}\n\n`). */
export function stampFrames(frames: string, stampNs: number): string {
  return frames.replaceAll("}\n\n", `,"${SIM_STAMP_FIELD}":${stampNs}}\n\n`);
}
