import type { PromptRequest } from "../proxy/anthropic-schema.ts";
import type { ChatRequest } from "../proxy/openai-types.ts";
import { flattenSystem } from "../proxy/system-prompt.ts";
import { thinkingWanted } from "../proxy/thinking.ts";
import { translateRequest } from "../proxy/translate-request.ts";

/**
 * What an engine sees of a Claude Code request, in three views:
 * - `raw`: the prompt exactly as the client sent it (a pass-through, vLLM's own /v1/messages), minus
 *   `cache_control` markers, which move between turns but are never rendered into a prompt;
 * - `llamacpp-native`: llama-server's own /v1/messages, which is `raw` with the billing header's `cch=` value
 *   overwritten by `fffff` (tools/server/server-chat.cpp, normalize_anthropic_billing_header);
 * - `proxy`: after this lab's proxy (billing header dropped, thinking per the request, OpenAI shapes).
 */
export type View = "raw" | "llamacpp-native" | "proxy";
export const VIEWS: readonly View[] = ["raw", "llamacpp-native", "proxy"];

/** One element of the prompt in the order engines render it (system, tools, messages), as the view serializes it. */
export interface Segment {
  /** Anthropic path of the element: `system[0]`, `tools[3]`, `messages[5]`. */
  path: string;
  /** The element as sent (for locating a change inside it). */
  value: unknown;
  text: string;
}

type Body = Record<string, unknown> & { system?: unknown; tools?: unknown[]; messages: unknown[] };

const noCacheControl = (key: string, value: unknown) => (key === "cache_control" ? undefined : value);
const rawJson = (value: unknown) => JSON.stringify(value, noCacheControl);
const BILLING = "x-anthropic-billing-header:";

export function isBillingText(text: unknown): boolean {
  return typeof text === "string" && text.trimStart().startsWith(BILLING);
}

export function promptSegments(input: Body, view: View): Segment[] {
  const body = view === "llamacpp-native" ? llamaNormalized(input) : input;
  const out: Segment[] = [];
  const thinking = thinkingWanted(body as unknown as PromptRequest, "auto");
  const proxied = (part: Partial<PromptRequest>) => translateRequest({ model: "m", messages: [], ...part } as PromptRequest, { model: "m", thinking, stream: false });
  if (typeof body.system === "string") out.push({ path: "system", value: body.system, text: view === "raw" ? body.system : flattenSystem(body.system) ?? "" });
  else if (Array.isArray(body.system)) {
    body.system.forEach((block, i) => {
      const text = (block as { text?: unknown }).text;
      out.push({ path: `system[${i}]`, value: block, text: view === "raw" ? rawJson(block) : isBillingText(text) ? "" : `${String(text)}\n\n` });
    });
  }
  (body.tools ?? []).forEach((tool, i) => {
    out.push({ path: `tools[${i}]`, value: tool, text: view === "raw" ? rawJson(tool) : JSON.stringify(proxied({ tools: [tool] as PromptRequest["tools"] }).tools ?? []) });
  });
  body.messages.forEach((message, i) => {
    out.push({ path: `messages[${i}]`, value: message, text: view === "raw" ? rawJson(message) : JSON.stringify(proxied({ messages: [message] as PromptRequest["messages"] }).messages) });
  });
  return out;
}

/**
 * The OpenAI chat request an engine gets for this body in the view (what /tokenize renders, and what the
 * replay sends on the `direct` path): the proxy's translation, with the whole system prompt kept in `raw`.
 */
export function chatBody(input: Body, view: View, model: string, stream = false): ChatRequest {
  const body = view === "llamacpp-native" ? llamaNormalized(input) : input;
  const thinking = thinkingWanted(body as unknown as PromptRequest, "auto");
  const chat = translateRequest(body as unknown as PromptRequest, { model, thinking, stream });
  if (view === "proxy" || body.system === undefined) return chat;
  const blocks = typeof body.system === "string" ? [body.system] : (body.system as Array<{ text?: unknown }>).map((b) => String(b.text ?? ""));
  const full = blocks.join("\n\n");
  if (flattenSystem(body.system as PromptRequest["system"]) !== undefined) chat.messages[0] = { role: "system", content: full };
  else chat.messages.unshift({ role: "system", content: full });
  return chat;
}

/** llama-server's normalization: a 5-character `cch=` value followed by `;` in a leading billing header becomes `fffff`. */
function llamaNormalized(body: Body): Body {
  const fix = (text: string) => (isBillingText(text) && text.startsWith(BILLING) ? text.replace(/(cch=)[^;]{5};/, "$1fffff;") : text);
  if (typeof body.system === "string") return { ...body, system: fix(body.system) };
  if (!Array.isArray(body.system)) return body;
  return { ...body, system: body.system.map((b) => (typeof (b as { text?: unknown }).text === "string" ? { ...(b as object), text: fix((b as { text: string }).text) } : b)) };
}
