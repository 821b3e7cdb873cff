import type { PromptRequest } from "../anthropic-schema.ts";
import type { ProxyContext } from "../context.ts";
import { resolveModel } from "../model-map.ts";
import type { ChatRequest } from "../openai-types.ts";
import { thinkingWanted } from "../thinking.ts";
import { translateRequest } from "../translate-request.ts";

/** Shared by messages and count_tokens: map the model, decide on thinking, translate. */
export async function prepareChat(
  request: PromptRequest,
  ctx: ProxyContext,
  stream: boolean,
): Promise<{ chat: ChatRequest; thinking: boolean }> {
  const served = ctx.rules.some((rule) => rule.test(request.model)) ? [] : (await ctx.engine.models()).map((m) => m.id);
  const model = resolveModel(request.model, ctx.rules, served);
  const thinking = thinkingWanted(request, ctx.options.thinking);
  return { chat: translateRequest(request, { model, thinking, stream }), thinking };
}
