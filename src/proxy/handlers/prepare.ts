import type { z } from "zod";
import { KNOWN_REQUEST_FIELDS, parseRequest, type PromptRequest } from "../anthropic-schema.ts";
import { parseJsonBody } from "../body.ts";
import type { ProxyContext } from "../context.ts";
import { ignoredEdits } from "../context-edits.ts";
import { resolveModel } from "../model-map.ts";
import type { ChatRequest } from "../openai-types.ts";
import { hasSystemMessages, type SystemMessageMode } from "../system-messages.ts";
import { thinkingWanted } from "../thinking.ts";
import { translateRequest } from "../translate-request.ts";

/** The body as JSON, validated (400 naming the field when broken); unknown top-level fields are tolerated and noted. */
export function parseBody<T>(schema: z.ZodType<T>, raw: Buffer, ctx: ProxyContext): T {
  return parseBodyAndJson(schema, raw, ctx).request;
}

/** parseBody, also returning the JSON as received (unknown fields kept), for observers such as the recorder. */
export function parseBodyAndJson<T>(schema: z.ZodType<T>, raw: Buffer, ctx: ProxyContext): { request: T; body: unknown } {
  const body = parseJsonBody(raw);
  const request = parseRequest(schema, body);
  for (const key in body as object) if (!KNOWN_REQUEST_FIELDS.has(key)) ctx.tolerated.note(`request field "${key}" (ignored)`);
  return { request, body };
}

/** Shared by messages and count_tokens: map the model, decide on thinking, translate. */
export async function prepareChat(
  request: PromptRequest,
  ctx: ProxyContext,
  stream: boolean,
): Promise<{ chat: ChatRequest; thinking: boolean }> {
  const served = ctx.rules.some((rule) => rule.test(request.model)) ? [] : (await ctx.engine.models()).map((m) => m.id);
  const model = resolveModel(request.model, ctx.rules, served);
  const thinking = thinkingWanted(request, ctx.options.thinking);
  const [engine, systemMessages] = await Promise.all([ctx.engine.kind(), systemMessageMode(request, ctx, model)]);
  for (const edit of ignoredEdits(request.context_management?.edits)) ctx.tolerated.note(`context edit "${edit}" (not applied)`);
  const onOther = (block: { kind: string; text?: string }) =>
    ctx.tolerated.note(`content block "${block.kind}" (${block.text === undefined ? "dropped" : "text kept"})`);
  return { chat: translateRequest(request, { model, thinking, stream, engine, systemMessages, onOther }), thinking };
}

function systemMessageMode(request: PromptRequest, ctx: ProxyContext, model: string): SystemMessageMode | Promise<SystemMessageMode> {
  const forced = ctx.options.systemMessages;
  if (forced !== "auto") return forced;
  return hasSystemMessages(request.messages) ? ctx.engine.systemMessages(model) : "inplace";
}
