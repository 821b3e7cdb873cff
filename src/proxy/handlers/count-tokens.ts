import type { IncomingMessage, ServerResponse } from "node:http";
import { countTokensRequestSchema } from "../anthropic-schema.ts";
import { readBody } from "../body.ts";
import type { ProxyContext } from "../context.ts";
import { sendJson } from "../respond.ts";
import { parseBody, prepareChat } from "./prepare.ts";

/** POST /v1/messages/count_tokens: the translated prompt counted by the engine's own tokenizer and template. */
export async function handleCountTokens(req: IncomingMessage, res: ServerResponse, ctx: ProxyContext): Promise<void> {
  const raw = await readBody(req, ctx.options.maxBodyBytes);
  const request = parseBody(countTokensRequestSchema, raw, ctx);
  const { chat } = await prepareChat(request, ctx, false);
  sendJson(res, 200, { input_tokens: await ctx.counter.require(chat) });
}
