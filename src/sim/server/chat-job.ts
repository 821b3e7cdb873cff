import { renderChat, type ChatMessage } from "../text/chat-template.ts";
import { tokenize } from "../text/tokenizer.ts";
import type { EngineFinishReason } from "../engine/request.ts";
import type { SimContext } from "./context.ts";
import type { GenerationInput } from "./generation.ts";
import { stopList } from "./generation.ts";
import type { ChatRequest } from "./schemas.ts";
import { decideToolCall, type ToolDecision } from "./tool-choice.ts";
import { vllmError } from "./http-io.ts";
import type { RequestMeta } from "./app.ts";

/** A chat request made ready for the engine: rendered prompt, token ids, tool decision, reasoning. */
export interface ChatJob {
  readonly id: string;
  readonly model: string;
  readonly created: number;
  readonly input: GenerationInput;
  readonly tool: ToolDecision;
}

export function prepareChat(ctx: SimContext, chat: ChatRequest, arrival: RequestMeta): ChatJob {
  const model = ctx.resolveModel(chat.model);
  if (chat.n !== 1) throw vllmError(400, "The simulator serves n=1 only.");
  const rng = ctx.requestRng(chat.seed);
  const messages = chat.messages as ChatMessage[];
  const tool = decideToolCall(ctx.config, chat.tools, chat.tool_choice, messages.at(-1)?.role, rng);
  const enableThinking = chat.chat_template_kwargs?.enable_thinking !== false;
  const prompt = renderChat(messages, { tools: chat.tools ?? undefined, addGenerationPrompt: chat.add_generation_prompt, enableThinking });
  const id = ctx.newId("chatcmpl-");
  return {
    id,
    model,
    created: ctx.createdNow(),
    tool,
    input: {
      id,
      arrival,
      promptIds: tokenize(prompt),
      maxTokens: chat.max_completion_tokens ?? chat.max_tokens,
      minTokens: chat.min_tokens,
      ignoreEos: chat.ignore_eos,
      stop: stopList(chat.stop),
      rng,
      reasoning: ctx.config.args.reasoning_parser !== "" && enableThinking,
      toolCall: tool.call,
      inputKind: "messages",
    },
  };
}

/** OpenAI finish_reason of a chat request: "tool_calls" when a non-named tool call finished it. */
export function chatFinishReason(reason: EngineFinishReason, tool: ToolDecision): string {
  if (reason === "stop" && tool.call && !tool.named) return "tool_calls";
  return reason;
}

/**
 * usage as vLLM 0.32 reports it: prompt_tokens_details (cached and created cache tokens) with
 * --enable-prompt-tokens-details; non-streaming bodies (`full`) also carry the fields vLLM's full model dump has.
 */
export function usageOf(ctx: SimContext, promptTokens: number, completionTokens: number, cachedTokens: number | undefined, full = false): Record<string, unknown> {
  const usage: Record<string, unknown> = { prompt_tokens: promptTokens, total_tokens: promptTokens + completionTokens, completion_tokens: completionTokens };
  if (ctx.config.args.enable_prompt_tokens_details) {
    usage.prompt_tokens_details = { cached_tokens: cachedTokens ?? 0, created_cache_tokens: 0, ...(full ? { multimodal_tokens: null } : {}) };
  } else if (full) usage.prompt_tokens_details = null;
  if (full) usage.completion_tokens_details = null;
  return usage;
}
