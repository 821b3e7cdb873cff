import type { PromptRequest } from "./anthropic-schema.ts";

/**
 * `auto` follows the request's `thinking` field; `off` always disables reasoning and hides any that arrives;
 * `on` always asks for it and shows it as thinking blocks (Claude Code does not ask for thinking from models
 * it does not know).
 */
export type ThinkingMode = "auto" | "off" | "on";

/** The engine family behind the proxy, as its `/v1/models` says (`owned_by`). */
export type EngineKind = "vllm" | "llamacpp" | "other";

/** `thinking.type` enabled and adaptive (enabled, the model picks how much) ask for reasoning; disabled does not. */
export function thinkingWanted(request: PromptRequest, mode: ThinkingMode): boolean {
  if (mode !== "auto") return mode === "on";
  return request.thinking !== undefined && request.thinking.type !== "disabled";
}

/** Anthropic effort -> the values vLLM's `reasoning_effort` accepts (it rejects others with a 400). */
const EFFORTS: Record<string, string> = { low: "low", medium: "medium", high: "high", xhigh: "high", max: "high" };

/**
 * `output_config.effort` -> `reasoning_effort`, for vLLM only: llama-server and other engines have no such
 * per-request control, so it is dropped there, as it is when reasoning is off.
 */
export function reasoningEffort(request: PromptRequest, wanted: boolean, engine: EngineKind): string | undefined {
  const effort = request.output_config?.effort;
  if (!wanted || !effort || engine !== "vllm") return undefined;
  return EFFORTS[effort];
}
