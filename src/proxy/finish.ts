import type { ChatUsage } from "./openai-types.ts";

export type StopReason = "end_turn" | "max_tokens" | "stop_sequence" | "tool_use";

export interface AnthropicUsage {
  input_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
  output_tokens: number;
}

/**
 * OpenAI finish -> Anthropic stop. "length" wins (a cut-off tool call must not run); any tool call means
 * tool_use even when the engine said "stop"; vLLM names the matched stop string in `stop_reason`
 * (llama-server does not, so its stop-sequence hits read as end_turn).
 */
export function stopReason(
  finishReason: string | null | undefined,
  engineStopReason: unknown,
  hasToolCalls: boolean,
  stopSequences: string[] | undefined,
): { stop_reason: StopReason; stop_sequence: string | null } {
  if (finishReason === "length") return { stop_reason: "max_tokens", stop_sequence: null };
  if (hasToolCalls) return { stop_reason: "tool_use", stop_sequence: null };
  if (typeof engineStopReason === "string" && stopSequences?.includes(engineStopReason)) {
    return { stop_reason: "stop_sequence", stop_sequence: engineStopReason };
  }
  return { stop_reason: "end_turn", stop_sequence: null };
}

/** input_tokens excludes cached prompt tokens, which are reported as cache reads. */
export function anthropicUsage(usage: ChatUsage | null | undefined, knownPromptTokens?: number): AnthropicUsage {
  const prompt = usage?.prompt_tokens ?? knownPromptTokens ?? 0;
  const cached = Math.min(usage?.prompt_tokens_details?.cached_tokens ?? 0, prompt);
  return {
    input_tokens: prompt - cached,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: cached,
    output_tokens: usage?.completion_tokens ?? 0,
  };
}
