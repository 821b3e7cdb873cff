import { countTokens } from "../../sim/text/tokenizer.ts";
import { toOpenAi } from "../../suites/workload/to-openai.ts";
import type { MessagesRequest } from "../../suites/workload/types.ts";

/**
 * Offline token estimate of a request for sizing synthesized traces: the simulator's tokenizer over the chat
 * JSON, times 1.1. Measured against Qwen2.5's tokenizer (the tiny llama-server) on Claude-Code-shaped
 * requests from 2.6k to 22k tokens, this lands within 8% of the real count either way; the replay reports
 * the server's own counts, so this only decides how big a synthesized prompt is meant to be.
 */
export function estimateTokens(req: MessagesRequest): number {
  return Math.round(countTokens(JSON.stringify(toOpenAi(req))) * 1.1);
}
