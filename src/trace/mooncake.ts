import { fillerWords } from "../suites/workload/filler.ts";
import type { MooncakeLine, TraceRequest } from "./schema.ts";

/**
 * Mooncake-style lines as lab trace requests: each line is a one-request session arriving at its timestamp.
 * Its prompt is the text of its hash blocks in order, each hash id always mapped to the same text (filler words
 * of one token each), so requests sharing leading hash ids share a prompt prefix exactly as in the original
 * trace. Every block has `blockTokens` words except the last, which takes what remains of `input_length`.
 */
export function fromMooncake(lines: MooncakeLine[], blockTokens: number): TraceRequest[] {
  const t0 = Math.min(...lines.map((l) => l.timestamp));
  return lines.map((l, i) => ({
    session: `mooncake-${i}`,
    index: 0,
    start_ms: l.timestamp - t0,
    think_ms: null,
    body: {
      model: "mooncake",
      max_tokens: Math.max(1, l.output_length),
      messages: [{ role: "user", content: promptOf(l, blockTokens, i) }],
    },
    outcome: { output_tokens: l.output_length },
  }));
}

function promptOf(l: MooncakeLine, blockTokens: number, line: number): string {
  const ids = l.hash_ids.length ? l.hash_ids : [`line-${line}`];
  const parts: string[] = [];
  let left = l.input_length;
  ids.forEach((id, k) => {
    const last = k === ids.length - 1;
    const words = last ? Math.max(1, left) : Math.min(blockTokens, Math.max(1, left));
    parts.push(fillerWords(words, `mooncake/${id}`));
    left -= words;
  });
  return parts.join(" ");
}
