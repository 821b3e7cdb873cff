import type { AnthropicMessage, ContentBlock, OtherBlock } from "./anthropic-schema.ts";

/**
 * Mid-conversation `system` messages (Claude Code sends one right after the first user turn) either stay
 * OpenAI `system` messages in place, or, for chat templates that reject a system message after the first,
 * are folded into a user turn as a `<system-reminder>` text block (Claude Code's own convention).
 */
export type SystemMessageMode = "inplace" | "fold";

/** The text of a system message: its text blocks (and text-carrying unknown blocks), joined as `system` is. */
export function systemText(content: AnthropicMessage["content"], onOther?: (block: OtherBlock) => void): string {
  if (typeof content === "string") return content;
  const texts: string[] = [];
  for (const block of content) {
    if (block.type === "text") texts.push(block.text);
    else if (block.type === "other") {
      onOther?.(block);
      if (block.text !== undefined) texts.push(block.text);
    }
  }
  return texts.join("\n\n");
}

export function hasSystemMessages(messages: AnthropicMessage[]): boolean {
  for (const message of messages) if (message.role === "system") return true;
  return false;
}

export function systemReminder(text: string): ContentBlock {
  return { type: "text", text: `<system-reminder>\n${text}\n</system-reminder>` };
}

/**
 * Folds each system message into a neighbouring user turn: appended to the user turn it directly follows
 * (what Claude Code sends), else prepended to the user turn directly after it (past other system messages),
 * else kept as a user turn of its own. Only neighbours that already exist when the message is first sent
 * decide, so a turn renders the same bytes in every later request and the engine's prefix cache keeps working.
 */
export function foldSystemMessages(messages: AnthropicMessage[]): AnthropicMessage[] {
  if (!hasSystemMessages(messages)) return messages;
  const out: AnthropicMessage[] = [];
  let pending: ContentBlock[] = [];
  messages.forEach((message, i) => {
    if (message.role !== "system") {
      if (pending.length && message.role === "user") {
        out.push({ role: "user", content: [...pending, ...blocksOf(message.content)] });
        pending = [];
      } else out.push(message);
      return;
    }
    const reminder = systemReminder(systemText(message.content));
    const previous = out.at(-1);
    if (!pending.length && previous?.role === "user") out[out.length - 1] = { role: "user", content: [...blocksOf(previous.content), reminder] };
    else if (nextNonSystem(messages, i)?.role === "user") pending.push(reminder);
    else out.push({ role: "user", content: [reminder] });
  });
  return out;
}

function nextNonSystem(messages: AnthropicMessage[], from: number): AnthropicMessage | undefined {
  for (let i = from + 1; i < messages.length; i++) if (messages[i].role !== "system") return messages[i];
  return undefined;
}

function blocksOf(content: AnthropicMessage["content"]): ContentBlock[] {
  return typeof content === "string" ? [{ type: "text", text: content }] : content;
}
