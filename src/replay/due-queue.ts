import type { Clock } from "../client/types.ts";

/** Timers fire up to ~1-2 ms late; the last stretch before the earliest due time is covered by event-loop turns. */
const SPIN_NS = 2_000_000;

interface Waiter {
  due: number;
  resolve: () => void;
}

/**
 * Wakes each waiter when the clock reaches its due time. One queue for all sessions: a single timer sleeps
 * until just before the earliest due time, then one loop of event-loop turns (I/O keeps flowing between them)
 * releases every waiter as its time comes. Hundreds of sessions thus cost one timer and at most one spinning
 * loop, not one each.
 */
export class DueQueue {
  private readonly heap: Waiter[] = [];
  private timer?: NodeJS.Timeout;
  private spinning = false;

  constructor(private readonly clock: Clock) {}

  wait(due: number): Promise<void> {
    if (due <= this.clock.now()) return Promise.resolve();
    return new Promise((resolve) => {
      this.push({ due, resolve });
      if (!this.spinning && this.heap[0].due === due) this.arm();
    });
  }

  /** Releases everyone now (the run was aborted). */
  releaseAll(): void {
    clearTimeout(this.timer);
    while (this.heap.length) this.pop().resolve();
  }

  private arm(): void {
    clearTimeout(this.timer);
    const first = this.heap[0];
    if (!first) return;
    const lead = first.due - this.clock.now() - SPIN_NS;
    if (lead <= 0) this.spin();
    else this.timer = setTimeout(() => this.spin(), lead / 1e6);
  }

  private spin = (): void => {
    this.spinning = true;
    const now = this.clock.now();
    while (this.heap.length && this.heap[0].due <= now) this.pop().resolve();
    if (this.heap.length && this.heap[0].due - now <= SPIN_NS) {
      setImmediate(this.spin);
      return;
    }
    this.spinning = false;
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
