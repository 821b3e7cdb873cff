import { setTimeout as sleepWall } from "node:timers/promises";

/**
 * Simulated time runs `timeScale` times faster than the wall clock. Every timestamp and duration the simulator
 * reports (log lines, `created`, metrics) is in simulated time, i.e. what real vLLM would have shown.
 */
export class SimClock {
  private readonly wallStart = performance.now();
  private readonly epochStartMs = Date.now();

  constructor(readonly timeScale: number) {}

  /** Simulated seconds since this clock started. */
  now(): number {
    return ((performance.now() - this.wallStart) * this.timeScale) / 1000;
  }

  /** Simulated Unix time in milliseconds for a simulated instant. */
  epochMs(simSeconds = this.now()): number {
    return this.epochStartMs + simSeconds * 1000;
  }

  /** Real milliseconds left until a simulated instant (0 when it has passed). */
  wallDelayMs(simSeconds: number): number {
    return Math.max(0, ((simSeconds - this.now()) * 1000) / this.timeScale);
  }

  /** Waits for a simulated duration. */
  async sleep(simSeconds: number): Promise<void> {
    const ms = (simSeconds * 1000) / this.timeScale;
    if (ms > 0) await sleepWall(ms);
  }
}
