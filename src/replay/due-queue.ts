import type { Clock } from "../client/types.ts";

/**
 * A timer aims at the due time itself: it fires a little late (well under the replay's 5 ms budget) or, its
 * clock being the loop's cached one, up to a millisecond early; that last stretch is covered by event-loop turns.
 * Spinning longer only burns the CPU the sessions' own responses need.
 */
const SPIN_NS = 1_000_000;

interface Waiter {
  due: number;
  resolve: () => void;
}

/**
 * Wakes each waiter when the clock reaches its due time. One queue for all sessions: a single timer sleeps
 * until the earliest due time, then every waiter whose time has come is released at once (event-loop turns, I/O
 * flowing between them, cover a timer that fired early). Hundreds of sessions thus cost one timer, not one each.
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
    const lead = first.due - this.clock.now();
    if (lead <= SPIN_NS) this.spin();
    else this.timer = setTimeout(this.spin, lead / 1e6);
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
