import type { RequestRecord } from "../client/types.ts";

export interface Window {
  startNs: number;
  endNs: number;
}

export interface Throughput {
  request_s: number;
  output_tok_s: number;
  total_tok_s: number;
}

/** Throughputs over the measured window (warmup excluded by the caller), counting successful requests only. */
export function throughput(records: readonly RequestRecord[], window: Window): Throughput | undefined {
  const seconds = (window.endNs - window.startNs) / 1e9;
  if (seconds <= 0) return undefined;
  let ok = 0;
  let output = 0;
  let prompt = 0;
  for (const r of records) {
    if (!r.ok) continue;
    ok++;
    output += r.outputTokens ?? 0;
    prompt += r.promptTokens ?? 0;
  }
  return { request_s: ok / seconds, output_tok_s: output / seconds, total_tok_s: (output + prompt) / seconds };
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
