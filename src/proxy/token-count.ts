import { ProxyError } from "./errors.ts";
import type { ChatRequest } from "./openai-types.ts";
import type { Upstream } from "./upstream.ts";

type Method = (upstream: Upstream, chat: ChatRequest) => Promise<number | undefined>;

/** llama-server (2025+): counts a chat request exactly as it would render it. */
const llamaInputTokens: Method = async (upstream, chat) => {
  const res = await upstream.json<{ input_tokens?: number }>("POST", "/v1/chat/completions/input_tokens", promptOnly(chat));
  return typeof res?.input_tokens === "number" ? res.input_tokens : undefined;
};

/** vLLM: `/tokenize` with `messages` renders the chat template and returns `count`. */
const vllmTokenize: Method = async (upstream, chat) => {
  const body = { ...promptOnly(chat), add_generation_prompt: true };
  const res = await upstream.json<{ count?: number }>("POST", "/tokenize", body);
  return typeof res?.count === "number" ? res.count : undefined;
};

/** Older llama-server: render with `/apply-template`, then `/tokenize` the prompt text. */
const llamaApplyTemplate: Method = async (upstream, chat) => {
  const rendered = await upstream.json<{ prompt?: string }>("POST", "/apply-template", promptOnly(chat));
  if (typeof rendered?.prompt !== "string") return undefined;
  const res = await upstream.json<{ tokens?: unknown[] }>("POST", "/tokenize", {
    content: rendered.prompt,
    add_special: true,
    parse_special: true,
  });
  return Array.isArray(res?.tokens) ? res.tokens.length : undefined;
};

const methods: Method[] = [llamaInputTokens, vllmTokenize, llamaApplyTemplate];

/** Counts prompt tokens with the engine's own tokenizer and template; finds the engine's endpoint once. */
export class TokenCounter {
  private method?: Method;

  constructor(private readonly upstream: Upstream) {}

  /** Prompt tokens, or undefined when the engine has no tokenizer endpoint or it refused this prompt. */
  async count(chat: ChatRequest): Promise<number | undefined> {
    if (this.method) return this.method(this.upstream, chat);
    for (const method of methods) {
      const n = await method(this.upstream, chat);
      if (n === undefined) continue;
      this.method = method;
      return n;
    }
    return undefined;
  }

  /** Like count(), for callers that need a number (count_tokens): a missing tokenizer is a 502. */
  async require(chat: ChatRequest): Promise<number> {
    const n = await this.count(chat);
    if (n !== undefined) return n;
    throw new ProxyError(502, "the engine could not count this prompt (tried /v1/chat/completions/input_tokens, /tokenize, /apply-template)");
  }
}

/** The prompt-shaping fields only: what the template renders. */
function promptOnly(chat: ChatRequest): Partial<ChatRequest> {
  const body: Partial<ChatRequest> = { model: chat.model, messages: chat.messages };
  if (chat.tools) body.tools = chat.tools;
  if (chat.tool_choice) body.tool_choice = chat.tool_choice;
  if (chat.chat_template_kwargs) body.chat_template_kwargs = chat.chat_template_kwargs;
  return body;
}
