import type { ServerResponse } from "node:http";
import { z } from "zod";
import { secondsToNs } from "../../util/sim-clock-protocol.ts";
import type { SimContext } from "./context.ts";
import { parseBody, sendJson } from "./http-io.ts";

const LanesSchema = z.strictObject({
  hold: z.array(z.string().min(1)).optional(),
  release: z.array(z.string().min(1)).optional(),
});

/**
 * POST /tunelab/sim/lanes (simulator only): `hold` opens lanes at the engine's present, `release` closes them;
 * answers the present, which the client uses as the arrival time of the lanes' first requests.
 */
export function handleSimLanes(ctx: SimContext, res: ServerResponse, body: string): void {
  const request = parseBody(LanesSchema, body || "{}");
  const now = ctx.engine.virtualNow();
  if (request.release?.length) ctx.engine.lanes.release(request.release);
  if (request.hold?.length) ctx.engine.lanes.hold(request.hold, now);
  sendJson(res, 200, { now_ns: secondsToNs(now) });
}

/** GET /tunelab/sim/info: what the lab reads instead of wall-clock measurements (startup) and clock health. */
export function handleSimInfo(ctx: SimContext, res: ServerResponse): void {
  const e = ctx.engine;
  sendJson(res, 200, {
    time_scale: ctx.config.timeScale,
    hardware: ctx.config.profile.name,
    startup_s: ctx.startupS,
    active_s: e.activeS,
    now_ns: secondsToNs(e.virtualNow()),
    late_requests: e.lateness.requests,
    late_s: e.lateness.seconds,
    expired_holds: e.lanes.expired,
    open_lanes: e.lanes.size,
  });
}
