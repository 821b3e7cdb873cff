import { setTimeout as sleep } from "node:timers/promises";
import { newLaneIds, openLanes, releaseLanes } from "../client/sim-clock.ts";
import type { RequestRecord } from "../client/types.ts";
import { sendRequest } from "./send.ts";
import type { SuiteContext } from "./types.ts";
import type { MessagesRequest } from "./workload/types.ts";

/** One simulated user: requests one after the other, each `thinkS` after the end of the previous one. */
export interface UserLane {
  send(req: MessagesRequest, opts?: { thinkS?: number; queuedNs?: number }): Promise<RequestRecord>;
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
  const lanes = Array.from({ length: count }, (): UserLane => ({
    async send(req, opts = {}) {
      if (opts.thinkS) await sleep((opts.thinkS * 1000) / t.timeScale, undefined, { signal: ctx.signal }).catch(() => {});
      return sendRequest(ctx, req, opts.queuedNs === undefined ? 0 : ctx.clock.now() - opts.queuedNs);
    },
    close: async () => {},
  }));
  return { startNs: ctx.clock.now(), lanes };
}

function simLane(ctx: SuiteContext, engineUrl: string, lane: string, startNs: number): UserLane {
  let atNs = startNs;
  return {
    async send(req, opts = {}) {
      const arrival = atNs + Math.round((opts.thinkS ?? 0) * 1e9);
      const record = await sendRequest(ctx, req, opts.queuedNs === undefined ? 0 : arrival - opts.queuedNs, { atNs: arrival, lane });
      atNs = record.streamEndNs ?? (record.simClock ? record.endNs : arrival);
      return record;
    },
    close: () => releaseLanes(engineUrl, [lane], ctx.target.apiKey),
  };
}

/**
 * Sends every request with at most `concurrency` in flight (closed loop: each of `concurrency` users sends its
 * next request when its previous one ends); time queued behind the gate is recorded apart. Records keep the
 * order of `requests`.
 */
export async function runRequests(ctx: SuiteContext, requests: MessagesRequest[], concurrency: number): Promise<RequestRecord[]> {
  const records: RequestRecord[] = new Array(requests.length);
  const users = await openUserLanes(ctx, Math.min(concurrency, requests.length));
  let next = 0;
  await Promise.all(users.lanes.map(async (lane) => {
    try {
      while (next < requests.length && !ctx.signal.aborted) {
        const i = next++;
        records[i] = await lane.send(requests[i], { queuedNs: users.startNs });
      }
    } finally {
      await lane.close();
    }
  }));
  return records.filter(Boolean);
}
