/** Counters behind vLLM's periodic "Avg prompt throughput ..." line. */
export class EngineStats {
  promptTokens = 0;
  generationTokens = 0;
  /** (queries, hits) of the most recent admissions: vLLM's hit rate covers the last 1000 requests. */
  private readonly recent: Array<[number, number]> = [];

  recordCache(queries: number, hits: number): void {
    if (queries === 0) return;
    this.recent.push([queries, hits]);
    if (this.recent.length > 1000) this.recent.shift();
  }

  prefixHitRate(): number {
    let q = 0;
    let h = 0;
    for (const [queries, hits] of this.recent) {
      q += queries;
      h += hits;
    }
    return q === 0 ? 0 : h / q;
  }

  /** Returns and resets the token counts of the interval. */
  takeInterval(): { prompt: number; generation: number } {
    const out = { prompt: this.promptTokens, generation: this.generationTokens };
    this.promptTokens = 0;
    this.generationTokens = 0;
    return out;
  }
}
