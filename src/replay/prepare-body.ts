import { chatBody, type View } from "../trace/render.ts";
import type { Api } from "../suites/types.ts";

type Body = Record<string, unknown> & { messages: unknown[] };

/**
 * The recorded body with what a replay must change, and nothing else: the target's model name, max_tokens set
 * to the recorded output length (so decode work matches the recording), streaming on, and the copy's salt as a
 * first text block of the first user turn: right after the system prompt and tools, which copies keep sharing.
 */
export function replayBody(recorded: Body, salt: string, model: string, maxTokens: number): Body {
  const [first, ...rest] = recorded.messages as Array<{ role: string; content: unknown }>;
  const mark = `[replay ${salt}]`;
  const content = typeof first.content === "string" ? `${mark}\n${first.content}` : [{ type: "text", text: mark }, ...(first.content as unknown[])];
  return { ...recorded, model, max_tokens: maxTokens, stream: true, messages: [{ ...first, content }, ...rest] };
}

/**
 * The request bytes for the target's API: the Anthropic body itself, or on the `direct` path the OpenAI chat
 * request the engine would get from a faithful proxy that keeps every system block, with `ignore_eos` so the
 * output length is the recorded one.
 */
export function payloadFor(api: Api, body: Body, model: string): string {
  if (api === "anthropic") return JSON.stringify(body);
  return JSON.stringify({ ...chatBody(body, "raw", model, true), ignore_eos: true });
}

/** The prompt view an engine sees on this path: after the lab's proxy, llama-server's own /v1/messages, or as sent. */
export function viewFor(path: string, engine?: string): View {
  if (path === "proxy") return "proxy";
  return path === "native" && engine === "llamacpp" ? "llamacpp-native" : "raw";
}
