import type { RequestRecord } from "../client/types.ts";
import type { Metric } from "./metric.ts";

export interface Window {
  startNs: number;
  endNs: number;
}

export interface Throughput {
  request_s: number;
  /** Undefined when a successful request has no output token count (no usage and no tokenizer). */
  output_tok_s?: number;
  total_tok_s?: number;
}

/**
 * Throughputs over the measured window (warmup excluded by the caller), counting successful requests only.
 * A token rate is left out rather than understated when some successful request has no token count.
 */
export function throughput(records: readonly RequestRecord[], window: Window): Throughput | undefined {
  const seconds = (window.endNs - window.startNs) / 1e9;
  if (seconds <= 0) return undefined;
  let ok = 0;
  let output: number | undefined = 0;
  let prompt: number | undefined = 0;
  for (const r of records) {
    if (!r.ok) continue;
    ok++;
    output = output === undefined || r.outputTokens === undefined ? undefined : output + r.outputTokens;
    prompt = prompt === undefined || r.promptTokens === undefined ? undefined : prompt + r.promptTokens;
  }
  return {
    request_s: ok / seconds,
    output_tok_s: output === undefined ? undefined : output / seconds,
    total_tok_s: output === undefined || prompt === undefined ? undefined : (output + prompt) / seconds,
  };
}

/** The window spanned by the records: first start to last end. */
export function spanOf(records: readonly RequestRecord[]): Window {
  let startNs = Infinity;
  let endNs = -Infinity;
  for (const r of records) {
    startNs = Math.min(startNs, r.startNs);
    endNs = Math.max(endNs, r.endNs);
  }
  return records.length ? { startNs, endNs } : { startNs: 0, endNs: 0 };
}

export const throughputMetric: Metric = {
  columns: ["request_s", "output_tok_s", "total_tok_s"],
  measure: (rep) => ({ ...throughput(rep.records, rep.window) }),
  interval: ["output_tok_s"],
  spread: ["output_tok_s"],
};
