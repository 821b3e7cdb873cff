/**
 * The text a content block of an unknown type carries, if any: its own `text`; a `content` string or list of
 * text-carrying parts (search_result, *_tool_result); a plain-text `source` (document with `type: "text"`, or
 * `type: "content"` with parts). Anything else (base64 data, encrypted results, tool inputs) carries none.
 */
export function carriedText(block: Record<string, unknown>): string | undefined {
  if (typeof block.text === "string") return block.text;
  const fromContent = textOf(block.content);
  if (fromContent !== undefined) return fromContent;
  const source = block.source as Record<string, unknown> | undefined;
  if (source && typeof source === "object") {
    if (source.type === "text" && typeof source.data === "string") return source.data;
    if (source.type === "content") return textOf(source.content);
  }
  return undefined;
}

function textOf(content: unknown): string | undefined {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return undefined;
  const texts: string[] = [];
  for (const part of content) {
    if (part && typeof part === "object") {
      const text = carriedText(part as Record<string, unknown>);
      if (text !== undefined) texts.push(text);
    }
  }
  return texts.length ? texts.join("\n") : undefined;
}
