import { setMaxListeners } from "node:events";
import type { FailureCause } from "../engines/types.ts";

export interface PointFailure {
  cause: FailureCause;
  detail: string;
}

/**
 * The watchdog of one point: its signal aborts the point's requests when the run is interrupted, when
 * `point_timeout_s` passes, or when `fail()` is called (a request timed out: the engine is frozen, so waiting
 * on the next requests would only repeat the timeout). `failed` resolves with the first failure.
 */
export class PointGuard {
  readonly signal: AbortSignal;
  readonly failed: Promise<PointFailure>;
  private first: PointFailure | undefined;
  private readonly controller = new AbortController();
  private readonly timer: NodeJS.Timeout;
  private settle!: (f: PointFailure) => void;

  constructor(runSignal: AbortSignal, timeoutS: number) {
    this.signal = AbortSignal.any([runSignal, this.controller.signal]);
    setMaxListeners(0, this.signal); // one listener per request in flight: capacity probes run many
    this.failed = new Promise((resolve) => (this.settle = resolve));
    this.timer = setTimeout(() => this.fail("point_timeout", `the point ran longer than point_timeout_s (${timeoutS} s)`), timeoutS * 1000);
  }

  get failure(): PointFailure | undefined {
    return this.first;
  }

  fail(cause: FailureCause, detail: string): void {
    if (this.first) return;
    this.first = { cause, detail };
    this.controller.abort(new Error(detail));
    this.settle(this.first);
  }

  clear(): void {
    clearTimeout(this.timer);
  }
}
