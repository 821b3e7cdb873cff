/**
 * KV cache blocks with vLLM's prefix caching: a pool of `numBlocks` blocks of `blockSize` tokens, reference
 * counted. Freed blocks keep their hash and stay findable until reused; reuse takes the least recently freed
 * block first (LRU eviction). A request's blocks are freed tail first, so its prefix outlives its suffix.
 */
export class KvCacheManager {
  private readonly refCount: Int32Array;
  private readonly hashOf: Array<string | undefined>;
  private readonly cached = new Map<string, number>();
  // Free queue: doubly linked list over block ids, head = next to reuse.
  private readonly prev: Int32Array;
  private readonly next: Int32Array;
  private head = -1;
  private tail = -1;
  private freeCount = 0;

  constructor(
    readonly numBlocks: number,
    readonly blockSize: number,
    readonly prefixCaching: boolean,
  ) {
    this.refCount = new Int32Array(numBlocks);
    this.hashOf = new Array(numBlocks);
    this.prev = new Int32Array(numBlocks).fill(-1);
    this.next = new Int32Array(numBlocks).fill(-1);
    for (let b = 0; b < numBlocks; b++) this.pushFree(b);
  }

  get freeBlocks(): number {
    return this.freeCount;
  }

  /** Fraction of blocks held by requests (vLLM's kv_cache_usage_perc). */
  usage(): number {
    return this.numBlocks === 0 ? 0 : 1 - this.freeCount / this.numBlocks;
  }

  /** Longest run of cached blocks matching these hashes, at most `maxBlocks`. */
  findCached(hashes: readonly string[], maxBlocks: number): number[] {
    const hits: number[] = [];
    if (!this.prefixCaching) return hits;
    for (let i = 0; i < Math.min(hashes.length, maxBlocks); i++) {
      const block = this.cached.get(hashes[i]);
      if (block === undefined) break;
      hits.push(block);
    }
    return hits;
  }

  /** Takes a reference on cached blocks (they leave the free queue while used). */
  acquire(blocks: readonly number[]): void {
    for (const b of blocks) {
      if (this.refCount[b] === 0) this.unlinkFree(b);
      this.refCount[b]++;
    }
  }

  /** New blocks, evicting the least recently freed cached ones; null when there are not enough. */
  allocate(count: number): number[] | null {
    if (count > this.freeCount) return null;
    const out: number[] = [];
    for (let i = 0; i < count; i++) {
      const b = this.head;
      this.unlinkFree(b);
      const hash = this.hashOf[b];
      if (hash !== undefined) {
        if (this.cached.get(hash) === b) this.cached.delete(hash);
        this.hashOf[b] = undefined;
      }
      this.refCount[b] = 1;
      out.push(b);
    }
    return out;
  }

  /** Drops a request's references, tail block first. */
  release(blocks: readonly number[]): void {
    for (let i = blocks.length - 1; i >= 0; i--) {
      const b = blocks[i];
      if (--this.refCount[b] === 0) this.pushFree(b);
    }
  }

  /** Registers a block that is now full under its chain hash (first holder of a hash wins, as in vLLM). */
  cacheBlock(block: number, hash: string): void {
    if (!this.prefixCaching || this.hashOf[block] !== undefined || this.cached.has(hash)) return;
    this.hashOf[block] = hash;
    this.cached.set(hash, block);
  }

  /** Forgets every cached hash; refused (false) while requests hold blocks, like vLLM's reset_prefix_cache. */
  resetPrefixCache(): boolean {
    if (this.freeCount !== this.numBlocks) return false;
    this.cached.clear();
    this.hashOf.fill(undefined);
    return true;
  }

  private pushFree(b: number): void {
    this.prev[b] = this.tail;
    this.next[b] = -1;
    if (this.tail >= 0) this.next[this.tail] = b;
    else this.head = b;
    this.tail = b;
    this.freeCount++;
  }

  private unlinkFree(b: number): void {
    const p = this.prev[b];
    const n = this.next[b];
    if (p >= 0) this.next[p] = n;
    else this.head = n;
    if (n >= 0) this.prev[n] = p;
    else this.tail = p;
    this.prev[b] = this.next[b] = -1;
    this.freeCount--;
  }
}
