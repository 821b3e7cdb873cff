/** A tool_use id when the engine gave none: stable per message and call index. */
export function toolUseId(messageId: string, index: number): string {
  return `toolu_${messageId.replace(/^msg_/, "")}_${index}`;
}

/** Empty arguments mean `{}`; anything else must be a JSON object. */
export function parseToolInput(args: string | undefined): Record<string, unknown> | undefined {
  if (!args || !args.trim()) return {};
  try {
    const value: unknown = JSON.parse(args);
    return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

export function validToolInput(args: string): boolean {
  return parseToolInput(args) !== undefined;
}
