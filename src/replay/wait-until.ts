import { setImmediate as nextTurn, setTimeout as sleep } from "node:timers/promises";
import type { Clock } from "../client/types.ts";

/** Timers fire up to ~1 ms late; the last stretch is covered by yielding turns of the event loop. */
const COARSE_MARGIN_NS = 1_000_000;

/**
 * Resolves when `clock` reaches `dueNs` (or at once when it already has, or the signal aborted): a timer for
 * the bulk of the wait, then event-loop turns (I/O keeps flowing) until the due time.
 */
export async function waitUntil(clock: Clock, dueNs: number, signal?: AbortSignal): Promise<void> {
  const coarse = dueNs - clock.now() - COARSE_MARGIN_NS;
  if (coarse > 0) await sleep(coarse / 1e6, undefined, { signal }).catch(() => undefined);
  while (clock.now() < dueNs && !signal?.aborted) await nextTurn();
}
