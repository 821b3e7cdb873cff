import type { AnthropicMessage, ImageBlock, OtherBlock, ToolResultBlock } from "./anthropic-schema.ts";
import type { ChatContentPart, ChatMessage, ChatToolCall } from "./openai-types.ts";
import { systemText } from "./system-messages.ts";

export interface MessageOptions {
  /** Thinking blocks of messages at this index and later go to the engine's reasoning field (Infinity: none do). */
  thinkingFrom: number;
  /** Told about every block of an unknown type (its text, if any, is kept as text). */
  onOther?: (block: OtherBlock) => void;
}

/** Anthropic turns -> OpenAI messages. Objects are built in a fixed key order so equal turns serialize equally. */
export function translateMessages(messages: AnthropicMessage[], options: MessageOptions): ChatMessage[] {
  const out: ChatMessage[] = [];
  let callOrder: string[] = [];
  messages.forEach((message, i) => {
    if (message.role === "user") appendUser(out, inCallOrder(message.content, callOrder), options);
    else if (message.role === "assistant") callOrder = appendAssistant(out, message.content, i >= options.thinkingFrom, options);
    else out.push({ role: "system", content: systemText(message.content, options.onOther) });
  });
  return out;
}

/** Tool results become `tool` messages, in order, before the user's own text of that turn. */
function appendUser(out: ChatMessage[], content: AnthropicMessage["content"], options: MessageOptions): void {
  if (typeof content === "string") {
    out.push({ role: "user", content });
    return;
  }
  const parts: ChatContentPart[] = [];
  for (const block of content) {
    if (block.type === "tool_result") {
      out.push({ role: "tool", tool_call_id: block.tool_use_id, content: toolResultText(block, options) });
      // Images a tool returned travel in the user message that follows (tool messages are text-only in most templates).
      if (Array.isArray(block.content)) for (const part of block.content) if (part.type === "image") parts.push(imagePart(part));
    } else if (block.type === "text") {
      parts.push({ type: "text", text: block.text });
    } else if (block.type === "image") {
      parts.push(imagePart(block));
    } else if (block.type === "other") {
      const text = otherText(block, options);
      if (text !== undefined) parts.push({ type: "text", text });
    }
  }
  if (parts.length) out.push({ role: "user", content: userContent(parts) });
}

/** Returns the ids of the turn's tool calls, in order. */
function appendAssistant(out: ChatMessage[], content: AnthropicMessage["content"], keepThinking: boolean, options: MessageOptions): string[] {
  if (typeof content === "string") {
    out.push({ role: "assistant", content });
    return [];
  }
  const texts: string[] = [];
  const reasoning: string[] = [];
  const calls: ChatToolCall[] = [];
  for (const block of content) {
    if (block.type === "text") texts.push(block.text);
    else if (block.type === "thinking" && keepThinking) reasoning.push(block.thinking);
    else if (block.type === "tool_use")
      calls.push({ id: block.id, type: "function", function: { name: block.name, arguments: JSON.stringify(block.input) } });
    else if (block.type === "other") {
      const text = otherText(block, options);
      if (text !== undefined) texts.push(text);
    }
  }
  const message: ChatMessage = { role: "assistant", content: texts.join("\n") };
  // Thinking goes to the engine's reasoning field, never into visible text.
  if (reasoning.length) message.reasoning_content = reasoning.join("\n");
  if (calls.length) message.tool_calls = calls;
  out.push(message);
  return calls.map((call) => call.id);
}

/**
 * Tool results in the order of the calls they answer. Claude Code sends parallel results in completion order,
 * but most templates (Qwen's `<tool_response>`) carry no id: the model pairs results with calls by position.
 * The order depends only on the turn and its predecessor, so the bytes stay the same in later requests.
 */
function inCallOrder(content: AnthropicMessage["content"], callOrder: string[]): AnthropicMessage["content"] {
  if (typeof content === "string" || callOrder.length < 2) return content;
  const rank = (block: (typeof content)[number]) => {
    const at = block.type === "tool_result" ? callOrder.indexOf(block.tool_use_id) : -1;
    return at < 0 ? callOrder.length : at;
  };
  const results = content.filter((block) => block.type === "tool_result");
  if (results.length < 2) return content;
  const sorted = [...results].sort((a, b) => rank(a) - rank(b));
  if (sorted.every((block, i) => block === results[i])) return content;
  let next = 0;
  return content.map((block) => (block.type === "tool_result" ? sorted[next++] : block));
}

function toolResultText(block: ToolResultBlock, options: MessageOptions): string {
  let text = "";
  if (typeof block.content === "string") text = block.content;
  else if (block.content) {
    const texts: string[] = [];
    for (const part of block.content) {
      if (part.type === "text") texts.push(part.text);
      else if (part.type === "other") {
        const carried = otherText(part, options);
        if (carried !== undefined) texts.push(carried);
      }
    }
    text = texts.join("\n");
  }
  return block.is_error ? `Error: ${text}` : text;
}

function otherText(block: OtherBlock, options: MessageOptions): string | undefined {
  options.onOther?.(block);
  return block.text;
}

function imagePart(block: ImageBlock): ChatContentPart {
  const url = block.source.type === "base64" ? `data:${block.source.media_type};base64,${block.source.data}` : block.source.url;
  return { type: "image_url", image_url: { url } };
}

/** Text-only turns become one string (what the engines do with text parts themselves); images keep the part list. */
function userContent(parts: ChatContentPart[]): string | ChatContentPart[] {
  if (parts.some((part) => part.type !== "text")) return parts;
  return parts.map((part) => (part as { text: string }).text).join("\n");
}
