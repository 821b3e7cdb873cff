import type { AnthropicMessage, ContextEdit } from "./anthropic-schema.ts";

/** Number of most recent assistant turns whose thinking a `clear_thinking_*` edit keeps when it names none (the API's default). */
const DEFAULT_THINKING_TURNS = 1;

/**
 * Index of the first message whose thinking blocks still reach the engine. A `clear_thinking_*` edit keeps
 * `"all"` or the last `{type: "thinking_turns", value: N}` assistant turns; without one, every turn keeps its
 * thinking (the prefix stays stable). Other edits (clear_tool_uses_*, future kinds) are not applied.
 */
export function thinkingKeptFrom(messages: AnthropicMessage[], edits: ContextEdit[] | undefined): number {
  const edit = edits?.find((e) => e.type.startsWith("clear_thinking_"));
  if (!edit || edit.keep === "all") return 0;
  const turns = keptTurns(edit.keep);
  let seen = 0;
  for (let i = messages.length - 1; i >= 0; i--) {
    if (messages[i].role !== "assistant") continue;
    if (seen === turns) return i + 1;
    seen++;
  }
  return 0;
}

/** Edits that are accepted but not applied (logged once per kind). */
export function ignoredEdits(edits: ContextEdit[] | undefined): string[] {
  return (edits ?? []).filter((e) => !e.type.startsWith("clear_thinking_")).map((e) => e.type);
}

function keptTurns(keep: unknown): number {
  const value = (keep as { value?: unknown } | undefined)?.value;
  return typeof value === "number" && Number.isInteger(value) && value >= 0 ? value : DEFAULT_THINKING_TURNS;
}
