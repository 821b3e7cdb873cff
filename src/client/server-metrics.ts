import { request } from "undici";
import { benchAgent } from "./http.ts";

/** A Prometheus scrape: metric name -> value, summed over label sets (e.g. finished_reason). */
export type MetricSamples = Map<string, number>;

/** Parses the Prometheus text format; `_bucket`, `_sum` and `_count` series are kept under their own names. */
export function parsePrometheus(text: string): MetricSamples {
  const out: MetricSamples = new Map();
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
    out.set(name, (out.get(name) ?? 0) + value);
  }
  return out;
}

/** GET /metrics, or undefined when the server has none (501 on llama.cpp without --metrics, 404 elsewhere). */
export async function scrapeMetrics(baseUrl: string, timeoutMs = 5000, headers: Record<string, string> = {}): Promise<MetricSamples | undefined> {
  try {
    const res = await request(`${baseUrl}/metrics`, { method: "GET", dispatcher: benchAgent, headers, headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
    if (res.statusCode !== 200) {
      await res.body.dump();
      return undefined;
    }
    return parsePrometheus(await res.body.text());
  } catch {
    return undefined;
  }
}

/** Which engine's names a scrape uses. */
export function metricsFlavor(samples: MetricSamples): "vllm" | "llamacpp" | null {
  for (const name of samples.keys()) {
    if (name.startsWith("vllm:")) return "vllm";
    if (name.startsWith("llamacpp:")) return "llamacpp";
  }
  return null;
}
