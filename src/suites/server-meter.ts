import type { EngineKind } from "../engines/types.ts";
import { randomBytes } from "node:crypto";
import { MetricSamples, scrapeMetrics } from "../client/server-metrics.ts";
import { addDeltas, serverDeltas, type ServerDeltas } from "../metrics/server-deltas.ts";
import type { Cell } from "../results/columns.ts";
import { SIM_KV_MAX_METRIC, SIM_QUEUE_MAX_METRIC, SIM_WATERMARK_HEADER } from "../util/sim-clock-protocol.ts";
import type { Target } from "./types.ts";

/**
 * Scrapes the engine's /metrics around each measured stretch (and every `intervalMs` during it, for gauge
 * maxima) and accumulates the deltas of a scenario. A target without metrics simply yields no columns. On the
 * simulator's clock the gauge maxima come exactly from the simulator (its watermark), not from wall-clock polling.
 */
export class ServerMeter {
  private total: ServerDeltas = {};
  private measured = false;
  private readonly watermark = randomBytes(6).toString("hex");
  constructor(
    private readonly target: Target,
    private readonly intervalMs = 500,
  ) {}

  async measure<T>(fn: () => Promise<T>): Promise<T> {
    const kind = this.target.capabilities.metrics;
    if (!kind) return fn();
    const before = await this.scrape();
    if (!before) return fn();
    const during: MetricSamples[] = [before];
    let polling = !this.target.simClock;
    const poller = (async () => {
      while (polling) {
        await new Promise((r) => setTimeout(r, this.intervalMs));
        if (!polling) break;
        const s = await this.scrape();
        if (s) during.push(s);
      }
    })();
    try {
      return await fn();
    } finally {
      polling = false;
      await poller;
      const after = await this.scrape();
      if (after) {
        during.push(after, ...this.watermarkSample(kind, after));
        this.total = addDeltas(this.total, serverDeltas(kind, before, after, during));
        this.measured = true;
      }
    }
  }

  columns(): Record<string, Cell> {
    return this.measured ? { ...this.total } : {};
  }

  private scrape(): Promise<MetricSamples | undefined> {
    const headers: Record<string, string> = this.target.simClock ? { [SIM_WATERMARK_HEADER]: this.watermark } : {};
    return scrapeMetrics(this.target.directUrl ?? this.target.baseUrl, this.target.apiKey, 5000, headers);
  }

  /** The simulator's maxima since the previous scrape, as a sample of the gauges they stand for. */
  private watermarkSample(kind: EngineKind, after: MetricSamples): MetricSamples[] {
    const queue = after.max(SIM_QUEUE_MAX_METRIC);
    const kv = after.max(SIM_KV_MAX_METRIC);
    if (kind !== "vllm" || queue === undefined || kv === undefined) return [];
    const sample = new MetricSamples();
    sample.add("vllm:num_requests_waiting", queue);
    sample.add("vllm:kv_cache_usage_perc", kv);
    return [sample];
  }
}
