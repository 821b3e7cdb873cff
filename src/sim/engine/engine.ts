import type { SimClock } from "../clock.ts";
import { prefillBucket, type PerfModel } from "../perf-model.ts";
import type { VllmMetrics } from "../metrics/vllm-metrics.ts";
import { chainBlockHashes } from "./block-hash.ts";
import { KvCacheManager } from "./kv-cache.ts";
import { Scheduler, type StepPlan } from "./scheduler.ts";
import type { EngineFinishReason, EngineRequest } from "./request.ts";
import { EngineStats } from "./engine-stats.ts";
import { LaneHolds } from "./lanes.ts";
import { GaugeWatermarks } from "../metrics/watermarks.ts";

export interface EngineOptions {
  readonly numGpuBlocks: number;
  readonly blockSize: number;
  readonly prefixCaching: boolean;
  readonly maxNumSeqs: number;
  readonly maxNumBatchedTokens: number;
  readonly chunkedPrefill: boolean;
  readonly maxModelLen: number;
  /** Whether the torch.compile cache existed at startup (cheaper graph warmup). */
  readonly compileCache: boolean;
  /** Largest batch captured as a CUDA graph at startup: smaller prefill steps need no warmup. */
  readonly maxCapturedTokens: number;
}

interface InflightStep {
  readonly plan: StepPlan;
  readonly start: number;
  readonly end: number;
}

/** Requests that reached the engine after it had already simulated past their arrival time. */
export interface Lateness {
  requests: number;
  seconds: number;
}

/** Steps processed back to back before yielding to I/O when the loop runs behind the clock. */
const MAX_CATCH_UP_STEPS = 32;

/**
 * The simulated engine core: a discrete-time loop of scheduler steps. Each step's duration comes from the
 * performance model; the loop keeps simulated time exact by starting each step where the previous one ended and,
 * when timers fire late, running the overdue steps at once (so averages match the model even at high time scales).
 * Requests may name their arrival time and lane (see lanes.ts): then no step starts after a moment at which a
 * lane's next request can still arrive, and the figures no longer depend on the time scale or the machine's load.
 */
export class SimEngine {
  readonly kv: KvCacheManager;
  readonly scheduler: Scheduler;
  readonly stats = new EngineStats();
  readonly lanes = new LaneHolds(() => this.kick());
  readonly watermarks = new GaugeWatermarks();
  readonly lateness: Lateness = { requests: 0, seconds: 0 };
  /**
   * Simulated seconds the engine served users: its steps, plus the gaps while lanes were open (users thinking
   * between turns hold the box). What the lab counts as suite time, whatever the time scale or the load.
   */
  activeS = 0;
  private readonly arriving: EngineRequest[] = [];
  private readonly seenBuckets = new Set<number>();
  private inflight: InflightStep | undefined;
  private timer: NodeJS.Timeout | undefined;
  private lastEnd = 0;
  private dead = false;
  private kickPending = false;

  constructor(
    private readonly clock: SimClock,
    private readonly perf: PerfModel,
    private readonly metrics: VllmMetrics,
    private readonly opts: EngineOptions,
  ) {
    this.kv = new KvCacheManager(opts.numGpuBlocks, opts.blockSize, opts.prefixCaching);
    this.scheduler = new Scheduler(this.kv, opts);
  }

  get isDead(): boolean {
    return this.dead;
  }

  /** Queues a request that reaches the engine after the API server's overhead (simulated seconds). */
  submit(req: EngineRequest, overheadS: number): void {
    if (this.dead) return req.sink.onFinish("error", this.clock.now());
    const frontier = this.inflight?.start ?? this.lastEnd;
    if (req.times.arrival < frontier - 1e-9) {
      this.lateness.requests++;
      this.lateness.seconds += frontier - req.times.arrival;
    }
    if (req.lane !== undefined) this.lanes.inFlight(req.lane);
    req.times.ready = req.times.arrival + overheadS;
    chainBlockHashes(req.tokenIds, this.opts.blockSize, req.blockHashes);
    const at = this.arriving.findIndex((r) => r.times.ready > req.times.ready);
    this.arriving.splice(at < 0 ? this.arriving.length : at, 0, req);
    this.kick();
  }

  abort(req: EngineRequest): void {
    if (req.finished) return;
    const a = this.arriving.indexOf(req);
    if (a >= 0) this.arriving.splice(a, 1);
    this.finish(req, "abort", this.clock.now());
  }

  /** The engine dies: every request ends with an error and nothing runs any more. */
  kill(): void {
    this.dead = true;
    clearTimeout(this.timer);
    const now = this.clock.now();
    for (const req of [...this.arriving, ...this.scheduler.waiting, ...this.scheduler.running]) this.finish(req, "error", now);
    this.arriving.length = 0;
  }

  /**
   * The engine's present in simulated time: where the next step starts while it works, the clock while idle.
   * Requests that name no arrival time arrive now.
   */
  virtualNow(): number {
    const busy = this.inflight !== undefined || this.scheduler.running.length > 0 || this.scheduler.waiting.length > 0;
    return busy ? (this.inflight?.start ?? this.lastEnd) : Math.max(this.lastEnd, this.clock.now());
  }

  resetPrefixCache(): boolean {
    return this.kv.resetPrefixCache();
  }

  /** Wakes an idle loop on the next turn of the event loop (never inside the caller, whose sink may not be ready). */
  private kick(): void {
    if (this.inflight || this.dead || this.kickPending) return;
    this.kickPending = true;
    setImmediate(() => {
      this.kickPending = false;
      if (this.inflight || this.dead) return;
      clearTimeout(this.timer);
      this.tick();
    });
  }

  private readonly tick = (): void => {
    this.timer = undefined;
    for (let steps = 0; !this.dead; ) {
      const now = this.clock.now();
      if (this.inflight) {
        if (this.inflight.end > now) return this.arm(this.inflight.end);
        const { plan, start, end } = this.inflight;
        this.inflight = undefined;
        this.lastEnd = end;
        this.activeS += end - start;
        this.completeStep(plan, end);
        if (++steps >= MAX_CATCH_UP_STEPS) {
          this.timer = setTimeout(this.tick, 0);
          return;
        }
      }
      const busy = this.scheduler.running.length > 0 || this.scheduler.waiting.length > 0;
      const start = busy ? this.lastEnd : Math.max(this.lastEnd, this.arriving[0]?.times.ready ?? Infinity);
      if (start === Infinity) return;
      if (start > this.lanes.horizon()) return this.armExpiry();
      if (start > now) return this.arm(start);
      if (this.lanes.size > 0) this.activeS += Math.max(0, start - Math.max(this.lastEnd, this.lanes.openedAt));
      while (this.arriving.length > 0 && this.arriving[0].times.ready <= start) this.scheduler.waiting.push(this.arriving.shift()!);
      const plan = this.scheduler.schedule();
      this.publishGauges();
      if (plan.chunks.length === 0) {
        this.lastEnd = start;
        if (this.arriving.length > 0) this.arm(this.arriving[0].times.ready);
        return;
      }
      for (const { req } of plan.chunks) req.times.firstScheduled ??= start;
      this.inflight = { plan, start, end: start + this.perf.stepSeconds(plan.shape) + this.warmupPenalty(plan) };
    }
  };

  private arm(atSim: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(this.tick, this.clock.wallDelayMs(atSim));
  }

  /** Held by a lane: a lane's next request (or its release) kicks the loop; this only catches expired holds. */
  private armExpiry(): void {
    clearTimeout(this.timer);
    const ms = this.lanes.nextExpiryMs();
    this.timer = ms === undefined ? undefined : setTimeout(this.tick, ms + 1);
  }

  /** The first prefill after startup, and the first of each size bucket above the captured sizes, pay extra. */
  private warmupPenalty(plan: StepPlan): number {
    if (plan.shape.prefillTokens === 0) return 0;
    const tokens = plan.shape.prefillTokens + plan.shape.decodeSeqs;
    const bucket = tokens <= this.opts.maxCapturedTokens ? 0 : prefillBucket(tokens);
    if (this.seenBuckets.has(bucket)) return 0;
    const first = this.seenBuckets.size === 0;
    this.seenBuckets.add(bucket);
    return first || bucket > 0 ? this.perf.graphWarmupSeconds(first, this.opts.compileCache) : 0;
  }

  private completeStep(plan: StepPlan, at: number): void {
    const m = this.metrics;
    m.preemptions.inc(m.labels, plan.preempted);
    m.cacheQueries.inc(m.labels, plan.cacheQueries);
    m.cacheHits.inc(m.labels, plan.cacheHits);
    this.stats.recordCache(plan.cacheQueries, plan.cacheHits);
    const bs = this.opts.blockSize;
    for (const { req, tokens } of plan.chunks) {
      if (req.finished) continue;
      req.numComputed += tokens;
      const full = Math.min(Math.floor(req.numComputed / bs), req.blockHashes.length);
      for (; req.numCachedBlocks < full; req.numCachedBlocks++) this.kv.cacheBlock(req.blocks[req.numCachedBlocks], req.blockHashes[req.numCachedBlocks]);
      if (req.numComputed < req.tokenIds.length) continue;
      this.sample(req, at);
    }
    this.publishGauges();
  }

  private sample(req: EngineRequest, at: number): void {
    const m = this.metrics;
    const token = req.plan.next();
    req.tokenIds.push(token.id);
    chainBlockHashes(req.tokenIds, this.opts.blockSize, req.blockHashes);
    const t = req.times;
    if (t.firstToken === undefined) {
      t.firstToken = at;
      m.ttft.observe(m.labels, at - t.ready);
      m.promptTokens.inc(m.labels, req.promptLength);
      this.stats.promptTokens += req.promptLength;
    } else if (t.lastToken !== undefined) {
      m.itl.observe(m.labels, at - t.lastToken);
    }
    t.lastToken = at;
    m.generationTokens.inc(m.labels);
    this.stats.generationTokens++;
    req.sink.onToken(token, at);
    const reason = req.plan.finishReason ?? (req.tokenIds.length >= this.opts.maxModelLen ? "length" : null);
    if (reason) this.finish(req, reason, at);
  }

  private finish(req: EngineRequest, reason: EngineFinishReason, at: number): void {
    if (req.finished) return;
    req.finished = true;
    this.scheduler.remove(req);
    const m = this.metrics;
    const t = req.times;
    m.success.inc({ ...m.labels, finished_reason: reason });
    m.e2e.observe(m.labels, at - t.ready);
    if (t.firstScheduled !== undefined) m.queue.observe(m.labels, t.firstScheduled - t.ready);
    if (t.firstToken !== undefined && t.firstScheduled !== undefined) {
      m.prefill.observe(m.labels, t.firstToken - t.firstScheduled);
      m.decode.observe(m.labels, (t.lastToken ?? t.firstToken) - t.firstToken);
    }
    this.publishGauges();
    if (req.lane !== undefined) {
      if (reason === "abort" || reason === "error") this.lanes.release([req.lane]);
      else this.lanes.finished(req.lane, at);
    }
    req.sink.onFinish(reason, at);
  }

  private publishGauges(): void {
    const m = this.metrics;
    m.running.set(m.labels, this.scheduler.running.length);
    m.waiting.set(m.labels, this.scheduler.waiting.length);
    m.kvUsage.set(m.labels, this.kv.usage());
    this.watermarks.observe(this.scheduler.waiting.length, this.kv.usage());
  }
}
