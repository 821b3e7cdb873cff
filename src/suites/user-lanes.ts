import { setTimeout as sleep } from "node:timers/promises";
import { newLaneIds, openLanes, releaseLanes } from "../client/sim-clock.ts";
import type { RequestRecord } from "../client/types.ts";
import type { StreamOptions } from "../client/stream-request.ts";
import { countMissingUsage } from "./missing-usage.ts";
import { sendRequest, timedRequest } from "./send.ts";
import type { SuiteContext } from "./types.ts";
import type { MessagesRequest } from "./workload/types.ts";

export interface LaneSendOptions {
  /** Seconds after the end of the lane's previous request (simulated seconds on the simulator). */
  thinkS?: number;
  /** When the request was queued, for the time it waited behind the client's own gate. */
  queuedNs?: number;
}

/** Sends one request: `sim` carries the lane's claimed arrival on the simulator's clock. */
export type LaneSender = (gateWaitNs: number, sim?: StreamOptions["sim"]) => Promise<RequestRecord>;

/** One simulated user: requests one after the other, each `thinkS` after the end of the previous one. */
export interface UserLane {
  send(req: MessagesRequest, opts?: LaneSendOptions): Promise<RequestRecord>;
  /** Like send, for a request the caller sends itself (another target or API). */
  call(sender: LaneSender, opts?: LaneSendOptions): Promise<RequestRecord>;
  close(): Promise<void>;
}

export interface UserLanes {
  lanes: UserLane[];
  /** When the users start, on the clock their records use (for time queued behind the client's own gate). */
  startNs: number;
}

/**
 * Opens `count` users. Against the simulator (target.simClock) each is a lane on its clock: a request claims the
 * arrival time "end of my previous request + think time" and the engine waits for it, so closed loops and think
 * times cost no wall time and no figure depends on the time scale or the machine's load. Against anything else
 * requests go out on the wall clock and think times are slept (divided by the time scale).
 */
export async function openUserLanes(ctx: SuiteContext, count: number): Promise<UserLanes> {
  const t = ctx.target;
  const engineUrl = t.directUrl ?? t.baseUrl;
  if (t.simClock && count > 0) {
    const ids = newLaneIds(count);
    const startNs = await openLanes(engineUrl, ids, t.apiKey);
    return { startNs, lanes: ids.map((id) => simLane(ctx, engineUrl, id, startNs)) };
  }
  const lanes = Array.from({ length: count }, () => withSend(ctx, {
    async call(sender, opts = {}) {
      if (opts.thinkS) await sleep((opts.thinkS * 1000) / t.timeScale, undefined, { signal: ctx.signal }).catch(() => {});
      return sender(opts.queuedNs === undefined ? 0 : ctx.clock.now() - opts.queuedNs);
    },
    close: async () => {},
  }));
  return { startNs: ctx.clock.now(), lanes };
}

function simLane(ctx: SuiteContext, engineUrl: string, lane: string, startNs: number): UserLane {
  let atNs = startNs;
  return withSend(ctx, {
    async call(sender, opts = {}) {
      const arrival = atNs + Math.round((opts.thinkS ?? 0) * 1e9);
      const record = await sender(opts.queuedNs === undefined ? 0 : arrival - opts.queuedNs, { atNs: arrival, lane });
      atNs = record.streamEndNs ?? (record.simClock ? record.endNs : arrival);
      return record;
    },
    close: () => releaseLanes(engineUrl, [lane], ctx.target.apiKey),
  });
}

function withSend(ctx: SuiteContext, lane: Omit<UserLane, "send">): UserLane {
  return { ...lane, send: (req, opts) => lane.call((gateWaitNs, sim) => sendRequest(ctx, req, gateWaitNs, sim), opts) };
}

/**
 * Sends every request with at most `concurrency` in flight (closed loop: each of `concurrency` users sends its
 * next request when its previous one ends); time queued behind the gate is recorded apart. Records keep the
 * order of `requests`.
 */
export async function runRequests(ctx: SuiteContext, requests: MessagesRequest[], concurrency: number): Promise<RequestRecord[]> {
  const records: RequestRecord[] = new Array(requests.length);
  const users = await openUserLanes(ctx, Math.min(concurrency, requests.length));
  const counted: Array<Promise<void>> = [];
  let next = 0;
  await Promise.all(users.lanes.map(async (lane) => {
    try {
      while (next < requests.length && !ctx.signal.aborted) {
        const i = next++;
        records[i] = await lane.call((gateWaitNs, sim) => timedRequest(ctx, requests[i], gateWaitNs, sim), { queuedNs: users.startNs });
        // token counting (servers without usage) after the request, so it never delays the user's next one
        counted.push(countMissingUsage(ctx.target, requests[i], records[i]).then((r) => void (records[i] = r)));
      }
    } finally {
      await lane.close();
    }
  }));
  await Promise.all(counted);
  return records.filter(Boolean);
}
