import { chatTokenIds, type TokenTarget } from "../client/chat-tokens.ts";
import { fetchText, modelOf } from "../client/server-probe.ts";
import { failure } from "../errors.ts";
import type { ChatRequest } from "../proxy/openai-types.ts";

export type ChatTokenizer = (chat: ChatRequest) => Promise<number[] | undefined>;

/** The engine's own tokenizer behind `url`: llama.cpp (/apply-template + /tokenize) or vLLM (/tokenize with messages). */
export async function engineTokenizer(url: string, apiKey?: string): Promise<ChatTokenizer> {
  const baseUrl = url.replace(/\/+$/, "").replace(/\/v1$/, "");
  const models = await fetchText(`${baseUrl}/v1/models`, { apiKey });
  const model = (models?.status === 200 ? modelOf(models) : undefined) ?? "model";
  for (const kind of ["llamacpp", "vllm"] as const) {
    const target: TokenTarget = { baseUrl, model, apiKey, capabilities: { tokenize: kind } };
    const probe = await chatTokenIds(target, { messages: [{ role: "user", content: "hello" }] }).catch(() => undefined);
    if (probe?.length) return (chat) => chatTokenIds(target, { messages: chat.messages, tools: chat.tools });
  }
  throw failure(`${baseUrl}: no tokenizer answered (tried llama.cpp /apply-template + /tokenize and vLLM /tokenize)`, "check --url, or leave it out for byte estimates");
}
