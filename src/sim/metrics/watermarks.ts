/**
 * Gauge maxima between two scrapes by the same reader: `GET /metrics` with `x-tunelab-sim-watermark: ID`
 * returns the largest queue and KV usage since that reader's previous scrape, exactly, in simulated time
 * (sampling a gauge every half second of wall time sees a different share of a run at each time scale).
 */
export class GaugeWatermarks {
  private readonly readers = new Map<string, { waiting: number; kvUsage: number }>();

  constructor(private readonly maxReaders = 32) {}

  /** Called whenever the gauges change. */
  observe(waiting: number, kvUsage: number): void {
    for (const m of this.readers.values()) {
      if (waiting > m.waiting) m.waiting = waiting;
      if (kvUsage > m.kvUsage) m.kvUsage = kvUsage;
    }
  }

  /** The maxima since this reader's last call (the current values on its first), then starts a new window. */
  take(reader: string, waiting: number, kvUsage: number): { waiting: number; kvUsage: number } {
    const seen = this.readers.get(reader);
    const out = seen ? { waiting: Math.max(seen.waiting, waiting), kvUsage: Math.max(seen.kvUsage, kvUsage) } : { waiting, kvUsage };
    this.readers.delete(reader);
    if (this.readers.size >= this.maxReaders) this.readers.delete(this.readers.keys().next().value as string);
    this.readers.set(reader, { waiting, kvUsage });
    return out;
  }
}
