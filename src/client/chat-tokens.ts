import { request } from "undici";
import { authHeaders, benchAgent, timeouts } from "./http.ts";
import type { Capabilities } from "../engines/types.ts";

export interface TokenTarget {
  baseUrl: string;
  /** The engine itself when requests go through a proxy: tokenizing is the engine's job. */
  directUrl?: string;
  model: string;
  apiKey?: string;
  capabilities: Pick<Capabilities, "tokenize">;
  requestTimeoutMs?: number;
}

async function post(target: TokenTarget, path: string, body: unknown): Promise<unknown> {
  const res = await request(`${target.directUrl ?? target.baseUrl}${path}`, {
    method: "POST",
    dispatcher: benchAgent,
    headers: { "content-type": "application/json", ...authHeaders(target.apiKey) },
    body: JSON.stringify(body),
    ...timeouts(target.requestTimeoutMs),
  });
  if (res.statusCode !== 200) {
    await res.body.dump();
    return undefined;
  }
  return res.body.json();
}

/**
 * Prompt tokens of an OpenAI chat request as the engine will see them: the chat template rendered with the
 * tools (llama.cpp `/apply-template` then `/tokenize`; vLLM `/tokenize` with `messages`). Undefined when the
 * engine has no tokenizer endpoint.
 */
export async function countChatTokens(
  target: TokenTarget,
  chat: { messages: unknown[]; tools?: unknown[] },
): Promise<number | undefined> {
  if (target.capabilities.tokenize === "vllm") {
    const json = (await post(target, "/tokenize", { model: target.model, messages: chat.messages, tools: chat.tools, add_generation_prompt: true })) as
      | { count?: number; tokens?: unknown[] }
      | undefined;
    return json?.count ?? json?.tokens?.length;
  }
  return (await chatTokenIds(target, chat))?.length;
}

/** The token ids of a chat request's rendered prompt (for prefix comparisons), or undefined without a tokenizer. */
export async function chatTokenIds(
  target: TokenTarget,
  chat: { messages: unknown[]; tools?: unknown[] },
): Promise<number[] | undefined> {
  const kind = target.capabilities.tokenize;
  if (kind === "llamacpp") {
    const rendered = (await post(target, "/apply-template", { messages: chat.messages, tools: chat.tools })) as { prompt?: string } | undefined;
    if (rendered?.prompt === undefined) return undefined;
    // The server tokenizes a chat prompt with special tokens added and parsed: count it the same way.
    const tokens = (await post(target, "/tokenize", { content: rendered.prompt, add_special: true, parse_special: true })) as { tokens?: number[] } | undefined;
    return tokens?.tokens;
  }
  if (kind === "vllm") {
    const json = (await post(target, "/tokenize", { model: target.model, messages: chat.messages, tools: chat.tools, add_generation_prompt: true })) as
      | { tokens?: number[] }
      | undefined;
    return json?.tokens;
  }
  return undefined;
}

/** Prompt tokens of an Anthropic Messages request by the server's own `/v1/messages/count_tokens`, or undefined. */
export async function countMessagesTokens(target: TokenTarget, body: Record<string, unknown>): Promise<number | undefined> {
  const json = (await post(target, "/v1/messages/count_tokens", body)) as { input_tokens?: number } | undefined;
  return json?.input_tokens;
}

/** Tokens of plain `text` by the engine's own tokenizer (no special tokens), or undefined if it has none. */
export async function countTokens(target: TokenTarget, text: string): Promise<number | undefined> {
  const kind = target.capabilities.tokenize;
  if (!kind) return undefined;
  const body = kind === "llamacpp" ? { content: text, add_special: false } : { model: target.model, prompt: text, add_special_tokens: false };
  const json = (await post(target, "/tokenize", body)) as { tokens?: unknown[]; count?: number } | undefined;
  return json?.count ?? json?.tokens?.length;
}
