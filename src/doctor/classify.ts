import { isBillingText, type Segment } from "../trace/render.ts";
import { commonPrefix, type Location } from "./locate.ts";

/** What broke the prefix, in the terms a Claude Code user can act on. */
export type BreakKind =
  | "billing_header" | "reminder_timestamp" | "reminder_changed" | "tools_reordered" | "tool_description"
  | "tools_changed" | "thinking_dropped" | "content_form" | "whitespace" | "system_changed" | "message_changed";

export const BREAK_LABELS: Record<BreakKind, string> = {
  billing_header: "billing header cch= in system[0] changed",
  reminder_timestamp: "timestamp inside <system-reminder> changed",
  reminder_changed: "text inside <system-reminder> changed",
  tools_reordered: "tools reordered",
  tool_description: "a tool description changed",
  tools_changed: "tools added, removed or changed",
  thinking_dropped: "an earlier thinking block was dropped",
  content_form: "a message's content switched between a string and text blocks (same text)",
  whitespace: "whitespace changed",
  system_changed: "system prompt changed",
  message_changed: "an earlier message changed",
};

const THINKING = new Set(["thinking", "redacted_thinking"]);
const TIMESTAMPISH = /^[\d\s:.,/TZ+-]*$/;

/** Classifies the first difference between two versions of one prompt element. */
export function classify(prev: Segment, cur: Segment | undefined, at: Location, prevTools: unknown[], curTools: unknown[]): { kind: BreakKind; path: string } {
  const element = prev.path;
  if (element.startsWith("tools")) {
    const a = prevTools.map(toolName);
    const b = curTools.map(toolName);
    if (a.join("\n") !== b.join("\n") && [...a].sort().join("\n") === [...b].sort().join("\n")) return { kind: "tools_reordered", path: at.path };
    if (typeof at.before === "string" && typeof at.after === "string" && onlyWhitespace(at.before, at.after)) return { kind: "whitespace", path: at.path };
    if (/^tools\[\d+\]\.description$/.test(at.path)) return { kind: "tool_description", path: at.path };
    return { kind: "tools_changed", path: at.path };
  }
  if (element.startsWith("messages") && cur) {
    const dropped = droppedThinking(prev.value, cur.value);
    if (dropped !== undefined) return { kind: "thinking_dropped", path: `${element}.content[${dropped}]` };
  }
  if (sameTextOtherForm(at.before, at.after)) return { kind: "content_form", path: at.path };
  if (typeof at.before === "string" && typeof at.after === "string") {
    if (element.startsWith("system") && isBillingText(at.before)) return { kind: "billing_header", path: at.path };
    if (onlyWhitespace(at.before, at.after)) return { kind: "whitespace", path: at.path };
    if (insideReminder(at.before, at.char ?? 0)) return { kind: timestampish(at.before, at.after) ? "reminder_timestamp" : "reminder_changed", path: at.path };
  }
  return { kind: element.startsWith("system") ? "system_changed" : element.startsWith("tools") ? "tools_changed" : "message_changed", path: at.path };
}

/** One side a string, the other text blocks carrying the same text (Claude Code re-sends some turns that way). */
function sameTextOtherForm(a: unknown, b: unknown): boolean {
  if (typeof a === typeof b || !(typeof a === "string" || typeof b === "string")) return false;
  const text = (v: unknown) => (typeof v === "string" ? v : Array.isArray(v) ? v.map((x) => String((x as { text?: unknown }).text ?? "")).join("") : undefined);
  const [ta, tb] = [text(a), text(b)];
  return ta !== undefined && tb !== undefined && ta.replace(/\s+/g, "") === tb.replace(/\s+/g, "");
}

function toolName(tool: unknown): string {
  return String((tool as { name?: unknown } | undefined)?.name ?? "");
}

function onlyWhitespace(a: string, b: string): boolean {
  return a !== b && a.replace(/\s+/g, "") === b.replace(/\s+/g, "");
}

function insideReminder(text: string, at: number): boolean {
  return text.lastIndexOf("<system-reminder>", at) > text.lastIndexOf("</system-reminder>", at - 1);
}

/** Both sides' differing stretch (between the common prefix and the common suffix) looks like a date or time. */
function timestampish(a: string, b: string): boolean {
  const head = commonPrefix(a, b);
  let tail = 0;
  while (tail < Math.min(a.length, b.length) - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const da = a.slice(head, a.length - tail);
  const db = b.slice(head, b.length - tail);
  return /\d/.test(da + db) && TIMESTAMPISH.test(da) && TIMESTAMPISH.test(db);
}

/** Index of the first thinking block of the earlier message that the later version no longer carries. */
function droppedThinking(prev: unknown, cur: unknown): number | undefined {
  const a = blocks(prev);
  const b = blocks(cur);
  const count = (list: unknown[]) => list.filter((x) => THINKING.has(String((x as { type?: unknown }).type))).length;
  if (count(a) <= count(b)) return undefined;
  const index = a.findIndex((x, i) => THINKING.has(String((x as { type?: unknown }).type)) && JSON.stringify(x) !== JSON.stringify(b[i]));
  return index < 0 ? undefined : index;
}

function blocks(message: unknown): unknown[] {
  const content = (message as { content?: unknown } | undefined)?.content;
  return Array.isArray(content) ? content : [];
}
