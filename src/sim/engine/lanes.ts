/**
 * Lanes keep the simulated clock causal when the client runs closed loops (the lab's own client does).
 *
 * A lane is one simulated user: it sends a request, waits for the end of its stream, then sends the next one
 * (at the time the request says, `x-tunelab-sim-at`). While a lane is between two requests the engine must not
 * run steps later than the moment that lane's next request can arrive, or the request would find the engine
 * ahead of it, a wall-clock artefact that grows with the time scale. So a lane holds the engine's clock at the
 * time its last request finished (or the time it was opened) until its next request arrives or it is released.
 * Holds expire after `expireMs` of wall time so a client that died never stalls the engine.
 */
export class LaneHolds {
  /** lane -> simulated seconds it holds the clock at (undefined while its request is in the engine). */
  private readonly holds = new Map<string, { at: number; wallMs: number } | undefined>();
  expired = 0;
  /** Simulated time the lanes now open began (while any is open). */
  openedAt = 0;

  constructor(
    private readonly onChange: () => void,
    private readonly expireMs = 10_000,
  ) {}

  /** Opens lanes that will send their first request at `at` or later. */
  hold(lanes: readonly string[], at: number): void {
    if (this.holds.size === 0) this.openedAt = at;
    for (const lane of lanes) this.holds.set(lane, { at, wallMs: performance.now() });
    this.onChange();
  }

  /** The lane's request reached the engine: it holds nothing until that request ends. */
  inFlight(lane: string): void {
    this.holds.set(lane, undefined);
    this.onChange();
  }

  /** The lane's request ended at `at` (simulated seconds); its next one comes at `at` or later. */
  finished(lane: string, at: number): void {
    if (this.holds.has(lane)) this.holds.set(lane, { at, wallMs: performance.now() });
  }

  release(lanes: readonly string[]): void {
    for (const lane of lanes) this.holds.delete(lane);
    this.onChange();
  }

  /** The latest simulated time the engine may start a step at (Infinity when no lane holds it). */
  horizon(): number {
    let min = Infinity;
    const now = performance.now();
    for (const [lane, hold] of this.holds) {
      if (!hold) continue;
      if (now - hold.wallMs > this.expireMs) {
        this.holds.delete(lane);
        this.expired++;
        continue;
      }
      min = Math.min(min, hold.at);
    }
    return min;
  }

  /** Wall milliseconds until the oldest hold expires (for a wake-up timer), or undefined when none holds. */
  nextExpiryMs(): number | undefined {
    let next: number | undefined;
    const now = performance.now();
    for (const hold of this.holds.values()) if (hold) next = Math.min(next ?? Infinity, Math.max(0, hold.wallMs + this.expireMs - now));
    return next;
  }

  get size(): number {
    return this.holds.size;
  }
}
