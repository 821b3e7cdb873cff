import { setTimeout as sleepWall } from "node:timers/promises";

/**
 * Simulated time runs `timeScale` times faster than the wall clock. Every timestamp and duration the simulator
 * reports (log lines, `created`, metrics) is in simulated time, i.e. what real vLLM would have shown.
 */
export class SimClock {
  private wallBase = performance.now();
  private simBase = 0;
  private readonly epochStartMs = Date.now();
  /** Simulated seconds spent in sleep() so far: the exact duration of what was simulated (e.g. the startup). */
  private sleptS = 0;

  constructor(private scale: number) {}

  get timeScale(): number {
    return this.scale;
  }

  /** Changes the speed from now on (simulated time stays continuous). */
  setTimeScale(scale: number): void {
    this.simBase = this.now();
    this.wallBase = performance.now();
    this.scale = scale;
  }

  /** Simulated seconds since this clock started. */
  now(): number {
    return this.simBase + ((performance.now() - this.wallBase) * this.scale) / 1000;
  }

  /** Simulated Unix time in milliseconds for a simulated instant. */
  epochMs(simSeconds = this.now()): number {
    return this.epochStartMs + simSeconds * 1000;
  }

  /** Real milliseconds left until a simulated instant (0 when it has passed). */
  wallDelayMs(simSeconds: number): number {
    return Math.max(0, ((simSeconds - this.now()) * 1000) / this.scale);
  }

  get slept(): number {
    return this.sleptS;
  }

  /** Waits for a simulated duration. */
  async sleep(simSeconds: number): Promise<void> {
    this.sleptS += Math.max(0, simSeconds);
    const ms = (simSeconds * 1000) / this.scale;
    if (ms > 0) await sleepWall(ms);
  }
}
