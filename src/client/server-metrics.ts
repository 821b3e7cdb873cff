import { request } from "undici";
import { authHeaders, benchAgent } from "./http.ts";
import { metricsOwner } from "../engines/registry.ts";
import type { EngineKind } from "../engines/types.ts";

/**
 * A Prometheus scrape: every sample of each metric name, one per label set (engines, data-parallel ranks,
 * finished_reason, ...). How label sets combine is the reader's choice: counters add up (`total`), gauges do
 * not (`max`, `mean`): two engines at 70% KV usage are not at 140%.
 */
export class MetricSamples {
  private readonly samples = new Map<string, number[]>();

  add(name: string, value: number): void {
    const list = this.samples.get(name);
    if (list) list.push(value);
    else this.samples.set(name, [value]);
  }

  has(name: string): boolean {
    return this.samples.has(name);
  }

  names(): IterableIterator<string> {
    return this.samples.keys();
  }

  /** A counter over every label set: the sum. */
  total(name: string): number | undefined {
    return this.samples.get(name)?.reduce((a, b) => a + b, 0);
  }

  /** A gauge over every label set: the largest. */
  max(name: string): number | undefined {
    const list = this.samples.get(name);
    return list ? Math.max(...list) : undefined;
  }

  /** A gauge over every label set: the mean. */
  mean(name: string): number | undefined {
    const list = this.samples.get(name);
    return list ? list.reduce((a, b) => a + b, 0) / list.length : undefined;
  }
}

/** Parses the Prometheus text format; `_bucket`, `_sum` and `_count` series are kept under their own names. */
export function parsePrometheus(text: string): MetricSamples {
  const out = new MetricSamples();
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (!line || line.startsWith("#")) continue;
    const brace = line.indexOf("{");
    const space = line.indexOf(" ");
    let name: string;
    let rest: string;
    if (brace !== -1 && (space === -1 || brace < space)) {
      name = line.slice(0, brace);
      rest = line.slice(line.lastIndexOf("}") + 1).trim();
    } else {
      if (space === -1) continue;
      name = line.slice(0, space);
      rest = line.slice(space + 1).trim();
    }
    const value = Number(rest.split(/\s+/)[0]);
    if (!Number.isFinite(value)) continue;
    out.add(name, value);
  }
  return out;
}

/** GET /metrics, or undefined when the server has none (501 on llama.cpp without --metrics, 404 elsewhere). */
export async function scrapeMetrics(baseUrl: string, apiKey?: string, timeoutMs = 5000, headers: Record<string, string> = {}): Promise<MetricSamples | undefined> {
  try {
    const res = await request(`${baseUrl}/metrics`, {
      method: "GET", dispatcher: benchAgent, headers: { ...authHeaders(apiKey), ...headers }, headersTimeout: timeoutMs, bodyTimeout: timeoutMs,
    });
    if (res.statusCode !== 200) {
      await res.body.dump();
      return undefined;
    }
    return parsePrometheus(await res.body.text());
  } catch {
    return undefined;
  }
}

/** Which engine's names a scrape uses (the engines' plugins give their prefixes). */
export function metricsFlavor(samples: MetricSamples): EngineKind | null {
  return metricsOwner(samples.names());
}
