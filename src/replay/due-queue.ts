import type { Clock } from "../client/types.ts";

/**
 * Node's timers count whole milliseconds of the loop's cached clock, so one fires up to ~1 ms either side of its
 * time. Fired early by no more than this, the wait ends in a precise sleep (Atomics.wait: no CPU, the event loop
 * held that long at most); earlier than that, another timer (which ends the wait up to a millisecond late).
 * Turning the event loop until the time comes instead burns ~0.4 ms of CPU per request, and a process that keeps
 * the CPU busy is the one the OS makes wait when the machine is busy.
 */
const PRECISE_SLEEP_NS = 500_000;

const sleeper = new Int32Array(new SharedArrayBuffer(4));

interface Waiter {
  due: number;
  resolve: () => void;
}

/**
 * Wakes each waiter when the clock reaches its due time, never before. One queue for all sessions: a single
 * timer sleeps until the earliest due time, then releases every waiter whose time has come, so hundreds of
 * sessions cost one timer, not one each, and the process sleeps between sends.
 */
export class DueQueue {
  private readonly heap: Waiter[] = [];
  private timer?: NodeJS.Timeout;
  private immediate?: NodeJS.Immediate;
  /** The due time the timer is set for (Infinity: none). */
  private armedFor = Infinity;

  constructor(private readonly clock: Clock) {}

  wait(due: number): Promise<void> {
    if (due <= this.clock.now()) return Promise.resolve();
    return new Promise((resolve) => {
      this.push({ due, resolve });
      if (due < this.armedFor) this.arm();
    });
  }

  /** Releases everyone now (the run was aborted). */
  releaseAll(): void {
    this.disarm();
    while (this.heap.length) this.pop().resolve();
  }

  /** A due time within the precise-sleep margin gets one more loop turn first (released waiters send), then the sleep. */
  private arm(): void {
    this.disarm();
    const first = this.heap[0];
    if (!first) return;
    this.armedFor = first.due;
    const lead = first.due - this.clock.now();
    if (lead <= PRECISE_SLEEP_NS) this.immediate = setImmediate(this.fire);
    else this.timer = setTimeout(this.fire, lead / 1e6);
  }

  private disarm(): void {
    clearTimeout(this.timer);
    clearImmediate(this.immediate);
    this.armedFor = Infinity;
  }

  private fire = (): void => {
    this.armedFor = Infinity;
    const first = this.heap[0];
    let now = this.clock.now();
    if (first && first.due > now && first.due - now <= PRECISE_SLEEP_NS) {
      Atomics.wait(sleeper, 0, 0, (first.due - now) / 1e6);
      while ((now = this.clock.now()) < first.due);
    }
    while (this.heap.length && this.heap[0].due <= now) this.pop().resolve();
    this.arm();
  };

  private push(w: Waiter): void {
    const h = this.heap;
    h.push(w);
    for (let i = h.length - 1; i > 0; ) {
      const p = (i - 1) >> 1;
      if (h[p].due <= h[i].due) break;
      [h[p], h[i]] = [h[i], h[p]];
      i = p;
    }
  }

  private pop(): Waiter {
    const h = this.heap;
    const top = h[0];
    const last = h.pop()!;
    if (h.length) {
      h[0] = last;
      for (let i = 0; ; ) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && h[l].due < h[m].due) m = l;
        if (r < h.length && h[r].due < h[m].due) m = r;
        if (m === i) break;
        [h[m], h[i]] = [h[i], h[m]];
        i = m;
      }
    }
    return top;
  }
}
