import { scrapeMetrics, type MetricSamples } from "../client/server-metrics.ts";
import { addDeltas, serverDeltas, type ServerDeltas } from "../metrics/server-deltas.ts";
import type { Cell } from "../results/columns.ts";
import type { Target } from "./types.ts";

/**
 * Scrapes the engine's /metrics around each measured stretch (and every `intervalMs` during it, for gauge
 * maxima) and accumulates the deltas of a scenario. A target without metrics simply yields no columns.
 */
export class ServerMeter {
  private total: ServerDeltas = {};
  private measured = false;
  constructor(
    private readonly target: Target,
    private readonly intervalMs = 500,
  ) {}

  async measure<T>(fn: () => Promise<T>): Promise<T> {
    const kind = this.target.capabilities.metrics;
    if (!kind) return fn();
    const before = await scrapeMetrics(this.target.directUrl ?? this.target.baseUrl, this.target.apiKey);
    if (!before) return fn();
    const during: MetricSamples[] = [before];
    let polling = true;
    const poller = (async () => {
      while (polling) {
        await new Promise((r) => setTimeout(r, this.intervalMs));
        if (!polling) break;
        const s = await scrapeMetrics(this.target.directUrl ?? this.target.baseUrl, this.target.apiKey);
        if (s) during.push(s);
      }
    })();
    try {
      return await fn();
    } finally {
      polling = false;
      await poller;
      const after = await scrapeMetrics(this.target.directUrl ?? this.target.baseUrl, this.target.apiKey);
      if (after) {
        during.push(after);
        this.total = addDeltas(this.total, serverDeltas(kind, before, after, during));
        this.measured = true;
      }
    }
  }

  columns(): Record<string, Cell> {
    return this.measured ? { ...this.total } : {};
  }
}
