import type { PromptRequest } from "./anthropic-schema.ts";

/**
 * `auto` follows the request's `thinking` field; `off` always disables reasoning and hides any that arrives;
 * `on` always asks for it and shows it as thinking blocks (Claude Code does not ask for thinking from models
 * it does not know).
 */
export type ThinkingMode = "auto" | "off" | "on";

export function thinkingWanted(request: PromptRequest, mode: ThinkingMode): boolean {
  if (mode !== "auto") return mode === "on";
  return request.thinking !== undefined && request.thinking.type !== "disabled";
}

/** Anthropic effort -> the OpenAI `reasoning_effort` vLLM and llama-server read (no "max" there). */
export function reasoningEffort(request: PromptRequest, wanted: boolean): string | undefined {
  const effort = request.output_config?.effort;
  if (!wanted || !effort) return undefined;
  return effort === "max" ? "high" : effort;
}
