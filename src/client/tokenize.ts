import { request } from "undici";
import { authHeaders, benchAgent } from "./http.ts";
import type { Target } from "../suites/types.ts";

/** Token count of `text` by the engine's own tokenizer (llama.cpp and vLLM shapes), or undefined if it has none. */
export async function countTokens(target: Target, text: string): Promise<number | undefined> {
  const kind = target.capabilities.tokenize;
  if (!kind) return undefined;
  const body = kind === "llamacpp" ? { content: text, add_special: false } : { model: target.model, prompt: text, add_special_tokens: false };
  const res = await request(`${target.directUrl ?? target.baseUrl}/tokenize`, {
    method: "POST",
    dispatcher: benchAgent,
    headers: { "content-type": "application/json", ...authHeaders(target.apiKey) },
    body: JSON.stringify(body),
  });
  if (res.statusCode !== 200) {
    await res.body.dump();
    return undefined;
  }
  const json = (await res.body.json()) as { tokens?: unknown[]; count?: number };
  return json.count ?? json.tokens?.length;
}
