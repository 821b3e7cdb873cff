import { ProxyError } from "./errors.ts";
import type { EngineInfo } from "./engine-info.ts";
import type { ChatRequest } from "./openai-types.ts";
import type { TokenCounter } from "./token-count.ts";

export interface TokenPlan {
  maxTokens: number;
  /** Exact prompt tokens when they had to be counted. */
  promptTokens?: number;
}

/**
 * Clamps max_tokens to the context window minus the prompt (Claude Code asks 32k output on top of a ~28k prompt).
 * Counting costs an engine round trip, so it is skipped when even a generous upper bound of the prompt fits:
 * a token covers at least one byte of the rendered prompt, which is at most the JSON body grown by the
 * template's spacing (x1.5) plus per-message markup and a tool preamble.
 */
export async function planMaxTokens(
  chat: ChatRequest,
  bodyBytes: number,
  requested: number,
  engine: EngineInfo,
  counter: TokenCounter,
): Promise<TokenPlan> {
  const window = await engine.contextWindow();
  if (!window) return { maxTokens: requested };
  if (promptUpperBound(bodyBytes, chat.messages.length) + requested <= window) return { maxTokens: requested };
  const promptTokens = await counter.count(chat);
  if (promptTokens === undefined) return { maxTokens: requested };
  if (promptTokens >= window) {
    throw new ProxyError(400, `prompt is too long: ${promptTokens} tokens > ${window - 1} maximum`);
  }
  return { maxTokens: Math.min(requested, window - promptTokens), promptTokens };
}

export function promptUpperBound(bodyBytes: number, messages: number): number {
  return Math.ceil(bodyBytes * 1.5) + 64 * messages + 4096;
}
