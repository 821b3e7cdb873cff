import { countTokensRequestSchema, messagesRequestSchema, type PromptRequest } from "../proxy/anthropic-schema.ts";
import { thinkingKeptFrom } from "../proxy/context-edits.ts";
import type { ChatRequest } from "../proxy/openai-types.ts";
import { flattenSystem } from "../proxy/system-prompt.ts";
import { thinkingWanted } from "../proxy/thinking.ts";
import { translateMessages } from "../proxy/translate-messages.ts";
import { translateRequest, type TranslateOptions } from "../proxy/translate-request.ts";
import type { View } from "./views.ts";

/**
 * What an engine sees of a Claude Code request, in three views:
 * - `raw`: the prompt exactly as the client sent it (a pass-through, vLLM's own /v1/messages), minus
 *   `cache_control` markers, which move between turns but are never rendered into a prompt;
 * - `llamacpp-native`: llama-server's own /v1/messages, which is `raw` with the billing header's `cch=` value
 *   overwritten by `fffff` (tools/server/server-chat.cpp, normalize_anthropic_billing_header);
 * - `proxy`: after this lab's proxy (billing header dropped, thinking per the request, OpenAI shapes).
 */
export { VIEWS, type View } from "./views.ts";

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
  const proxied = view === "proxy" ? proxyRenderer(body) : undefined;
  if (typeof body.system === "string") out.push({ path: "system", value: body.system, text: proxied ? flattenSystem(body.system) ?? "" : body.system });
  else if (Array.isArray(body.system)) {
    body.system.forEach((block, i) => {
      out.push({ path: `system[${i}]`, value: block, text: proxied ? proxied.system(i) : rawJson(block) });
    });
  }
  (body.tools ?? []).forEach((tool, i) => out.push({ path: `tools[${i}]`, value: tool, text: proxied ? proxied.tool(i) : rawJson(tool) }));
  body.messages.forEach((message, i) => out.push({ path: `messages[${i}]`, value: message, text: proxied ? proxied.message(i) : rawJson(message) }));
  return out;
}

/**
 * The proxy's translation of one element at a time, as it comes out of translating the whole request: the body
 * is read with the proxy's own (lenient) schema, thinking kept where the request's context edits keep it, and a
 * message rendered after the one before it (a tool result follows its call's order).
 */
function proxyRenderer(body: Body) {
  const request = proxyRequest(body);
  const options = translateOptions(request, "m", false);
  const thinkingFrom = options.thinking ? thinkingKeptFrom(request.messages, request.context_management?.edits) : Infinity;
  const turns = (messages: PromptRequest["messages"], first: number) =>
    translateMessages(messages, { thinkingFrom: Number.isFinite(thinkingFrom) ? thinkingFrom - first : Infinity });
  const systemBlocks = Array.isArray(request.system) ? request.system : [];
  return {
    system: (i: number) => {
      const text = flattenSystem(systemBlocks[i] ? [systemBlocks[i]] : []);
      return text === undefined ? "" : `${text}\n\n`;
    },
    tool: (i: number) => JSON.stringify(translateRequest({ model: "m", messages: [], tools: [request.tools![i]] }, options).tools ?? []),
    message: (i: number) => {
      if (i === 0) return JSON.stringify(turns(request.messages.slice(0, 1), 0));
      const before = turns(request.messages.slice(i - 1, i), i - 1).length;
      return JSON.stringify(turns(request.messages.slice(i - 1, i + 1), i - 1).slice(before));
    },
  };
}

/** The body as the proxy reads it (unknown block types become `other`), or as it is when the proxy would refuse it. */
function proxyRequest(body: Body): PromptRequest {
  const withModel = { model: "m", ...body };
  const full = messagesRequestSchema.safeParse(withModel);
  if (full.success) return full.data;
  const prompt = countTokensRequestSchema.safeParse(withModel);
  return prompt.success ? prompt.data : (body as unknown as PromptRequest);
}

function translateOptions(request: PromptRequest, model: string, stream: boolean): TranslateOptions {
  // The engine kind only decides reasoning_effort, which never reaches the prompt; system messages stay in place.
  return { model, thinking: thinkingWanted(request, "auto"), stream, engine: "other", systemMessages: "inplace" };
}

/**
 * The OpenAI chat request an engine gets for this body in the view (what /tokenize renders, and what the
 * replay sends on the `direct` path): the proxy's translation, with the whole system prompt kept unless `proxy`.
 */
export function chatBody(input: Body, view: View, model: string, stream = false): ChatRequest {
  const body = view === "llamacpp-native" ? llamaNormalized(input) : input;
  const request = proxyRequest(body);
  const chat = translateRequest(request, translateOptions(request, model, stream));
  if (view === "proxy" || body.system === undefined) return chat;
  const blocks = typeof body.system === "string" ? [body.system] : (body.system as Array<{ text?: unknown }>).map((b) => String(b.text ?? ""));
  const full = blocks.join("\n\n");
  if (flattenSystem(request.system) !== undefined) chat.messages[0] = { role: "system", content: full };
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
