import type { KvCacheManager } from "./kv-cache.ts";
import type { EngineRequest } from "./request.ts";
import type { StepShape } from "../perf-model.ts";

export interface SchedulerLimits {
  readonly maxNumSeqs: number;
  readonly maxNumBatchedTokens: number;
  readonly chunkedPrefill: boolean;
  readonly blockSize: number;
}

export interface ScheduledChunk {
  readonly req: EngineRequest;
  readonly tokens: number;
  readonly decode: boolean;
}

export interface StepPlan {
  readonly chunks: readonly ScheduledChunk[];
  readonly shape: StepShape;
  readonly preempted: number;
  /** Prompt tokens looked up in / found in the prefix cache by requests admitted this step. */
  readonly cacheQueries: number;
  readonly cacheHits: number;
}

/**
 * One scheduling decision per engine step, like vLLM V1's scheduler: running requests first (a decode token
 * each, or their next prefill chunk), preempting the newest running request when KV blocks run out; then, if
 * nothing was preempted, waiting requests in FCFS order while max-num-seqs, the token budget
 * (max-num-batched-tokens) and free blocks allow, skipping what the prefix cache already holds.
 */
export class Scheduler {
  readonly waiting: EngineRequest[] = [];
  readonly running: EngineRequest[] = [];

  constructor(
    private readonly kv: KvCacheManager,
    private readonly limits: SchedulerLimits,
  ) {}

  schedule(): StepPlan {
    const chunks: ScheduledChunk[] = [];
    let budget = this.limits.maxNumBatchedTokens;
    let preempted = 0;
    for (let i = 0; i < this.running.length && budget > 0; ) {
      const req = this.running[i];
      const tokens = Math.min(req.tokenIds.length - req.numComputed, budget);
      let ok = this.ensureBlocks(req, req.numComputed + tokens);
      while (!ok) {
        const victim = this.running.pop()!;
        this.preempt(victim);
        preempted++;
        if (victim === req) break;
        ok = this.ensureBlocks(req, req.numComputed + tokens);
      }
      if (!ok) break;
      chunks.push({ req, tokens, decode: req.outputLength > 0 && req.numComputed === req.tokenIds.length - 1 });
      budget -= tokens;
      i++;
    }
    let cacheQueries = 0;
    let cacheHits = 0;
    while (preempted === 0 && this.waiting.length > 0 && this.running.length < this.limits.maxNumSeqs && budget > 0) {
      const req = this.waiting[0];
      const bs = this.limits.blockSize;
      const hits = this.kv.findCached(req.blockHashes, Math.floor((req.tokenIds.length - 1) / bs));
      const computed = hits.length * bs;
      const remaining = req.tokenIds.length - computed;
      if (!this.limits.chunkedPrefill && remaining > budget) break;
      const tokens = Math.min(remaining, budget);
      this.kv.acquire(hits);
      const fresh = this.kv.allocate(Math.ceil((computed + tokens) / bs) - hits.length);
      if (!fresh) {
        this.kv.release(hits);
        break;
      }
      this.waiting.shift();
      req.blocks.push(...hits, ...fresh);
      req.numComputed = computed;
      req.numCachedBlocks = hits.length;
      req.numCachedTokens ??= computed;
      cacheQueries += req.tokenIds.length;
      cacheHits += computed;
      this.running.push(req);
      chunks.push({ req, tokens, decode: false });
      budget -= tokens;
    }
    return { chunks, shape: shapeOf(chunks), preempted, cacheQueries, cacheHits };
  }

  /** Removes a finished or aborted request and returns its blocks to the pool. */
  remove(req: EngineRequest): void {
    const r = this.running.indexOf(req);
    if (r >= 0) this.running.splice(r, 1);
    const w = this.waiting.indexOf(req);
    if (w >= 0) this.waiting.splice(w, 1);
    this.kv.release(req.blocks);
    req.blocks.length = 0;
  }

  private ensureBlocks(req: EngineRequest, tokens: number): boolean {
    const need = Math.ceil(tokens / this.limits.blockSize) - req.blocks.length;
    if (need <= 0) return true;
    const fresh = this.kv.allocate(need);
    if (!fresh) return false;
    req.blocks.push(...fresh);
    return true;
  }

  /** vLLM V1 preemption is recompute: blocks freed, progress reset, back to the head of the queue. */
  private preempt(req: EngineRequest): void {
    this.kv.release(req.blocks);
    req.blocks.length = 0;
    req.numComputed = 0;
    req.numCachedBlocks = 0;
    this.waiting.unshift(req);
  }
}

function shapeOf(chunks: readonly ScheduledChunk[]): StepShape {
  let decodeSeqs = 0;
  let decodeContextTokens = 0;
  let prefillTokens = 0;
  let prefillTokenPairs = 0;
  for (const { req, tokens, decode } of chunks) {
    if (decode) {
      decodeSeqs++;
      decodeContextTokens += req.numComputed + 1;
    } else {
      prefillTokens += tokens;
      prefillTokenPairs += tokens * (req.numComputed + tokens / 2);
    }
  }
  return { decodeSeqs, decodeContextTokens, prefillTokens, prefillTokenPairs };
}
