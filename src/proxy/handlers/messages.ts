import type { IncomingMessage, ServerResponse } from "node:http";
import { messagesRequestSchema } from "../anthropic-schema.ts";
import { readBody } from "../body.ts";
import { planMaxTokens } from "../clamp.ts";
import { newMessageId, type ProxyContext } from "../context.ts";
import { watchExchange } from "../observe.ts";
import type { StreamContext } from "../stream-translator.ts";
import { completeMessage } from "./complete.ts";
import { parseBodyAndJson, prepareChat } from "./prepare.ts";
import { streamMessage } from "./stream.ts";
import { simClockHeaders } from "../sim-clock.ts";

/** POST /v1/messages: validate, translate, clamp max_tokens, then stream or answer whole. */
export async function handleMessages(req: IncomingMessage, res: ServerResponse, ctx: ProxyContext): Promise<void> {
  const raw = await readBody(req, ctx.options.maxBodyBytes);
  const receivedAt = performance.now();
  const { request, body: parsed } = parseBodyAndJson(messagesRequestSchema, raw, ctx);
  const stream = request.stream === true;
  const { chat, thinking } = await prepareChat(request, ctx, stream);
  const plan = await planMaxTokens(chat, raw.length, request.max_tokens, ctx.engine, ctx.counter);
  chat.max_tokens = plan.maxTokens;
  const streamCtx: StreamContext = {
    messageId: newMessageId(),
    model: request.model,
    emitThinking: thinking,
    promptTokens: plan.promptTokens,
    stopSequences: request.stop_sequences,
  };
  const body = JSON.stringify(chat);
  streamCtx.watch = watchExchange(ctx.observers, { headers: req.headers, body: parsed, engineBody: body, receivedAt });
  try {
    if (stream) await streamMessage(res, ctx, body, streamCtx, simClockHeaders(req));
    else await completeMessage(res, ctx, body, streamCtx);
  } catch (err) {
    streamCtx.watch?.end({ status: (err as { status?: number }).status ?? 500, error: (err as Error).message });
    throw err;
  }
}
