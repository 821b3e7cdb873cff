import { ProxyError } from "./errors.ts";
import { anthropicUsage, stopReason } from "./finish.ts";
import type { ChatCompletion } from "./openai-types.ts";
import { THINKING_SIGNATURE } from "./sse-events.ts";
import { ThinkTagSplitter } from "./think-tags.ts";
import { parseToolInput, toolUseId } from "./tool-calls.ts";
import type { StreamContext } from "./stream-translator.ts";

type Block =
  | { type: "thinking"; thinking: string; signature: string }
  | { type: "text"; text: string }
  | { type: "tool_use"; id: string; name: string; input: Record<string, unknown> };

/** A whole chat.completion -> an Anthropic message of the same shape the stream produces. */
export function translateCompletion(completion: ChatCompletion, ctx: StreamContext): object {
  const choice = completion.choices?.[0];
  if (!choice) throw new ProxyError(502, "the engine answered without choices");
  const message = choice.message ?? {};
  let thinking = message.reasoning || message.reasoning_content || "";
  let text = "";
  const splitter = new ThinkTagSplitter(
    (t) => (text += t),
    (t) => (thinking += t),
  );
  splitter.push(message.content ?? "");
  splitter.end();

  const content: Block[] = [];
  thinking = thinking.trim();
  if (ctx.emitThinking && thinking) content.push({ type: "thinking", thinking, signature: THINKING_SIGNATURE });
  const calls = message.tool_calls ?? [];
  // leading whitespace goes, unless it is the whole answer
  if (text.trim()) content.push({ type: "text", text: text.trimStart() });
  else if (text && !content.length && !calls.length) content.push({ type: "text", text });
  calls.forEach((call, index) => {
    const input = parseToolInput(call.function?.arguments);
    if (!input) throw new ProxyError(502, `the engine produced invalid JSON arguments for tool ${call.function?.name}`);
    content.push({ type: "tool_use", id: call.id || toolUseId(ctx.messageId, index), name: call.function.name, input });
  });

  const stop = stopReason(choice.finish_reason, choice.stop_reason, calls.length > 0, ctx.stopSequences);
  return {
    id: ctx.messageId,
    type: "message",
    role: "assistant",
    model: ctx.model,
    content,
    ...stop,
    usage: anthropicUsage(completion.usage, ctx.promptTokens),
  };
}
