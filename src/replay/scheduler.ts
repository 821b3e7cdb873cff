import type { Clock, RequestRecord } from "../client/types.ts";
import type { PlannedLane, PlannedRequest } from "./plan.ts";
import { DueQueue } from "./due-queue.ts";

export type Send = (payload: Buffer) => Promise<RequestRecord>;

/** A replayed request that was sent, with where it belongs. */
export interface ReplayedRequest {
  lane: string;
  planned: PlannedRequest;
  record: RequestRecord;
}

/**
 * Runs every lane at once, each request sent when it is due: a top-level lane's first request at its start
 * offset, every later one its think time after the previous response of the lane ended, a sub-agent's first
 * request its think time after its parent's request ended. Skipped requests are not sent; the next one waits
 * from the last response the lane actually got. Open loop: no gate between lanes.
 */
export async function runLanes(lanes: readonly PlannedLane[], clock: Clock, send: Send, signal?: AbortSignal): Promise<ReplayedRequest[]> {
  const t0 = clock.now();
  const done: ReplayedRequest[] = [];
  const ended = new Map<string, Array<Deferred>>();
  /** Lanes that will send nothing more: any request of theirs not yet ended counts as ended then. */
  const finished = new Map<string, number>();
  const endOf = (lane: string, index: number) => {
    const list = ended.get(lane) ?? [];
    ended.set(lane, list);
    const d = (list[index] ??= deferred());
    const at = finished.get(lane);
    if (at !== undefined) d.resolve(at);
    return d;
  };
  const finish = (lane: string, at: number) => {
    finished.set(lane, at);
    for (const d of ended.get(lane) ?? []) d?.resolve(at);
  };
  const queue = new DueQueue(clock);
  const abortAll = () => {
    queue.releaseAll();
    for (const lane of lanes) finish(lane.id, clock.now());
  };
  signal?.addEventListener("abort", abortAll, { once: true });
  const runLane = async (lane: PlannedLane) => {
    let readyNs = lane.parent ? await endOf(lane.parent.lane, lane.parent.index).promise : t0 + lane.startNs;
    for (const planned of lane.requests) {
      if (signal?.aborted) break;
      if (planned.payload === undefined) {
        endOf(lane.id, planned.index).resolve(readyNs);
        continue;
      }
      const due = readyNs + planned.thinkNs;
      await queue.wait(due);
      if (signal?.aborted) break;
      const record = await send(planned.payload);
      Object.assign(record, { scheduledNs: due, session: lane.id, turn: planned.index + 1, idealCachedTokens: planned.idealCached, plannedPromptTokens: planned.promptTokens });
      done.push({ lane: lane.id, planned, record });
      readyNs = Math.max(record.endNs, record.startNs);
      endOf(lane.id, planned.index).resolve(readyNs);
    }
    // A child waiting on a request this lane never reached still starts (from the lane's last end).
    finish(lane.id, readyNs);
  };
  try {
    await Promise.all(lanes.map(runLane));
  } finally {
    signal?.removeEventListener("abort", abortAll);
  }
  return done;
}

interface Deferred {
  promise: Promise<number>;
  resolve(ns: number): void;
}

function deferred(): Deferred {
  let resolve!: (ns: number) => void;
  const promise = new Promise<number>((r) => (resolve = r));
  return { promise, resolve };
}
