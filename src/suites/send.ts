import { streamMessages } from "../client/anthropic-messages.ts";
import { streamChat } from "../client/openai-chat.ts";
import type { StreamOptions } from "../client/stream-request.ts";
import type { RequestRecord } from "../client/types.ts";
import { SIDECAR_KINDS } from "../sidecars/kinds.ts";
import { countMissingUsage } from "./missing-usage.ts";
import { toOpenAi } from "./workload/to-openai.ts";
import type { MessagesRequest } from "./workload/types.ts";
import type { Api, SuiteContext, Target } from "./types.ts";

/** The API a target speaks: explicit, else Anthropic through a proxy the lab starts or the engine's native endpoint, else OpenAI. */
export function apiOf(target: Target): Api {
  const anthropic = target.path === "native" || (SIDECAR_KINDS as readonly string[]).includes(target.path);
  return target.api ?? (anthropic ? "anthropic" : "openai");
}

/**
 * Sends one workload request in the target's API (translated to OpenAI chat when needed); a server that sent
 * no usage has the tokens counted by its tokenizer afterwards (outside the timed request).
 */
export async function sendRequest(ctx: SuiteContext, req: MessagesRequest, gateWaitNs = 0, sim?: StreamOptions["sim"]): Promise<RequestRecord> {
  return countMissingUsage(ctx.target, req, await timedRequest(ctx, req, gateWaitNs, sim));
}

/** One timed request (token counting for servers without usage is the caller's, afterwards); one that timed out (request_timeout_s) is reported to the point's runner, which stops the point at once. */
export async function timedRequest(ctx: SuiteContext, req: MessagesRequest, gateWaitNs: number, sim?: StreamOptions["sim"]): Promise<RequestRecord> {
  const opts = { gateWaitNs, signal: ctx.signal, timeoutMs: ctx.target.requestTimeoutMs, sim };
  const record = apiOf(ctx.target) === "anthropic"
    ? await streamMessages(ctx.target, req as unknown as Record<string, unknown>, ctx.clock, opts)
    : await streamChat(ctx.target, toOpenAi(req) as unknown as Record<string, unknown>, ctx.clock, opts);
  return reportTimeout(ctx, record);
}

/** A request that timed out (request_timeout_s) is reported to the point's runner, which stops the point at once. */
export function reportTimeout(ctx: SuiteContext, record: RequestRecord): RequestRecord {
  if (record.errorKind === "timeout") ctx.onRequestTimeout?.(record.error ?? "request timeout");
  return record;
}

/** A single-user-message request (decode, concurrency, chat suites). */
export function plainRequest(model: string, text: string, maxTokens: number, ignoreEos = true): MessagesRequest {
  return { model, max_tokens: maxTokens, messages: [{ role: "user", content: text }], temperature: 0, ...(ignoreEos ? { ignore_eos: true } : {}) };
}
