import type { ContentBlock, ImageBlock, MessagesRequest, ToolResultBlock } from "./anthropic-schema.ts";
import type { ChatContentPart, ChatMessage, ChatToolCall } from "./openai-types.ts";

type AnthropicMessage = MessagesRequest["messages"][number];

/** Anthropic turns -> OpenAI messages. Objects are built in a fixed key order so equal turns serialize equally. */
export function translateMessages(messages: AnthropicMessage[], keepThinking: boolean): ChatMessage[] {
  const out: ChatMessage[] = [];
  for (const message of messages) {
    if (message.role === "user") appendUser(out, message.content);
    else appendAssistant(out, message.content, keepThinking);
  }
  return out;
}

/** Tool results become `tool` messages, in order, before the user's own text of that turn. */
function appendUser(out: ChatMessage[], content: AnthropicMessage["content"]): void {
  if (typeof content === "string") {
    out.push({ role: "user", content });
    return;
  }
  const parts: ChatContentPart[] = [];
  for (const block of content) {
    if (block.type === "tool_result") {
      out.push({ role: "tool", tool_call_id: block.tool_use_id, content: toolResultText(block) });
      // Images a tool returned travel in the user message that follows (tool messages are text-only in most templates).
      if (Array.isArray(block.content)) for (const part of block.content) if (part.type === "image") parts.push(imagePart(part));
    } else if (block.type === "text") {
      parts.push({ type: "text", text: block.text });
    } else if (block.type === "image") {
      parts.push(imagePart(block));
    }
  }
  if (parts.length) out.push({ role: "user", content: userContent(parts) });
}

function appendAssistant(out: ChatMessage[], content: AnthropicMessage["content"], keepThinking: boolean): void {
  if (typeof content === "string") {
    out.push({ role: "assistant", content });
    return;
  }
  const texts: string[] = [];
  const reasoning: string[] = [];
  const calls: ChatToolCall[] = [];
  for (const block of content as ContentBlock[]) {
    if (block.type === "text") texts.push(block.text);
    else if (block.type === "thinking" && keepThinking) reasoning.push(block.thinking);
    else if (block.type === "tool_use")
      calls.push({ id: block.id, type: "function", function: { name: block.name, arguments: JSON.stringify(block.input) } });
  }
  const message: ChatMessage = { role: "assistant", content: texts.join("\n") };
  // Thinking goes to the engine's reasoning field, never into visible text.
  if (reasoning.length) message.reasoning_content = reasoning.join("\n");
  if (calls.length) message.tool_calls = calls;
  out.push(message);
}

function toolResultText(block: ToolResultBlock): string {
  let text = "";
  if (typeof block.content === "string") text = block.content;
  else if (block.content) text = block.content.flatMap((part) => (part.type === "text" ? [part.text] : [])).join("\n");
  return block.is_error ? `Error: ${text}` : text;
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
