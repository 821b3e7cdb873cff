import type { ServerResponse } from "node:http";
import { ProxyError } from "../errors.ts";
import type { ProxyContext } from "../context.ts";
import type { AnthropicUsage } from "../finish.ts";
import type { ChatCompletion } from "../openai-types.ts";
import { sendJson } from "../respond.ts";
import type { StreamContext } from "../stream-translator.ts";
import { translateCompletion } from "../translate-response.ts";
import { upstreamError } from "../upstream-errors.ts";
import { abortOnDisconnect, callEngine } from "./call-engine.ts";

/** Non-streaming: one engine call, one Anthropic message. */
export async function completeMessage(res: ServerResponse, ctx: ProxyContext, body: string, sctx: StreamContext): Promise<void> {
  const abort = abortOnDisconnect(res);
  const upstreamRes = await callEngine(ctx, body, abort.signal);
  if (!upstreamRes) return;
  if (upstreamRes.statusCode !== 200) throw await upstreamError(upstreamRes);
  let completion: ChatCompletion;
  try {
    completion = (await upstreamRes.body.json()) as ChatCompletion;
  } catch (err) {
    if (abort.signal.aborted) return;
    throw new ProxyError(502, `the engine sent an unreadable answer: ${(err as Error).message}`);
  }
  const message = translateCompletion(completion, sctx) as { content: unknown[]; stop_reason: string; usage: AnthropicUsage };
  if (message.content.length) sctx.watch?.firstContent();
  sctx.watch?.end({ status: 200, usage: message.usage, stopReason: message.stop_reason });
  sendJson(res, 200, message);
}
