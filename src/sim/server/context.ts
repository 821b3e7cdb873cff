import type { Writable } from "node:stream";
import type { SimClock } from "../clock.ts";
import type { SimConfig } from "../config.ts";
import type { SimEngine } from "../engine/engine.ts";
import type { VllmLogger } from "../log.ts";
import type { VllmMetrics } from "../metrics/vllm-metrics.ts";
import type { PerfModel } from "../perf-model.ts";
import { createRng, hashString, randomHex, type Rng } from "../rng.ts";
import { vllmError } from "./http-io.ts";

export const ENGINE_DEAD_MESSAGE = "EngineCore encountered an issue. See stack trace (above) for the root cause.";

/** Everything a route handler needs: configuration, clock, engine, and the simulator's fault switches. */
export class SimContext {
  private readonly ids: Rng;
  private requests = 0;
  private deathListeners: Array<() => void> = [];

  constructor(
    readonly config: SimConfig,
    readonly clock: SimClock,
    readonly engine: SimEngine,
    readonly perf: PerfModel,
    readonly metrics: VllmMetrics,
    readonly log: VllmLogger,
    readonly stderr: Writable,
    readonly maxModelLen: number,
    /** Simulated seconds from launch to serving (what the lab reports as startup_s). */
    readonly startupS = 0,
  ) {
    this.ids = createRng(hashString(`ids:${config.args.sim_seed}`));
  }

  get servedModel(): string {
    return this.config.servedModelNames[0];
  }

  newId(prefix: string): string {
    return `${prefix}${randomHex(this.ids, 32)}`;
  }

  /** Unix seconds in simulated time (`created` fields). */
  createdNow(): number {
    return Math.floor(this.clock.epochMs() / 1000);
  }

  /** A request's own randomness: its `seed`, else derived from --sim-seed and its arrival order. */
  requestRng(seed: number | null | undefined): Rng {
    return createRng(seed ?? hashString(`req:${this.config.args.sim_seed}:${this.requests}`));
  }

  /** The model a request names must be served; none means the first served name. */
  resolveModel(model: string | null | undefined): string {
    if (model && !this.config.servedModelNames.includes(model)) throw vllmError(404, `The model \`${model}\` does not exist.`);
    return model ?? this.servedModel;
  }

  /** Counts a generation request; with --fail-after-requests N, request N+1 kills the engine. */
  admitRequest(): void {
    if (this.engine.isDead) throw vllmError(500, ENGINE_DEAD_MESSAGE);
    this.requests++;
    const limit = this.config.args.fail_after_requests;
    if (limit !== null && this.requests > limit) {
      this.die();
      throw vllmError(500, ENGINE_DEAD_MESSAGE);
    }
  }

  onDeath(listener: () => void): void {
    this.deathListeners.push(listener);
  }

  private die(): void {
    this.log.error("core.py:843", "EngineCore encountered a fatal error.");
    this.stderr.write(
      [
        "Traceback (most recent call last):",
        '  File "/usr/local/lib/python3.12/dist-packages/vllm/v1/engine/core.py", line 834, in run_engine_core',
        "    engine_core.run_busy_loop()",
        '  File "/usr/local/lib/python3.12/dist-packages/vllm/v1/engine/core.py", line 861, in run_busy_loop',
        "    self._process_engine_step()",
        "RuntimeError: CUDA error: unspecified launch failure (simulated by --fail-after-requests)",
      ].join("\n") + "\n",
    );
    this.log.error("async_llm.py:480", "AsyncLLM output_handler failed.");
    this.stderr.write(`vllm.v1.engine.exceptions.EngineDeadError: ${ENGINE_DEAD_MESSAGE}\n`);
    this.engine.kill();
    for (const listener of this.deathListeners) listener();
  }
}
