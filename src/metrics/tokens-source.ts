import type { Cell } from "../results/columns.ts";
import type { Metric } from "./metric.ts";

/**
 * Where the token counts came from: `usage` (the server's own, as vllm bench serve reads them) or `tokenizer`
 * (the server sent no usage, so the lab counted the text through the engine's tokenizer). Empty when neither.
 */
export const tokensSourceMetric: Metric = {
  columns: ["tokens_source"],
  measure(rep) {
    const counted = rep.ok.filter((r) => r.outputTokens !== undefined);
    if (!counted.length) return { tokens_source: undefined };
    return { tokens_source: counted.some((r) => r.tokensSource === "tokenizer") ? "tokenizer" : "usage" };
  },
  combine: (values: Cell[]) => (values.includes("tokenizer") ? "tokenizer" : values.find((v) => v !== undefined)),
};
