import { createHash } from "node:crypto";

/**
 * Claude Code sends its main conversation, its sub-agents and its side calls (titles, summaries) under one
 * session id. A lane is one of those conversations: requests whose system prompt opens the same way and whose
 * first user turn asks the same thing (system reminders, whitespace and the billing header left out, so the
 * cache breaks the doctor looks for never split a lane).
 */
export function laneKey(body: unknown): string {
  const b = body as { system?: unknown; messages?: unknown[] };
  return createHash("sha256").update(`${systemHead(b.system)}\0${firstUserText(b.messages?.[0])}`).digest("hex").slice(0, 16);
}

const BILLING = "x-anthropic-billing-header:";
const squash = (text: string) => text.replace(/<system-reminder>[\s\S]*?<\/system-reminder>/g, "").replace(/\s+/g, "");

function systemHead(system: unknown): string {
  const texts = typeof system === "string" ? [system] : Array.isArray(system) ? system.map((b) => String((b as { text?: unknown }).text ?? "")) : [];
  const first = texts.find((t) => !t.trimStart().startsWith(BILLING)) ?? "";
  return squash(first).slice(0, 200);
}

function firstUserText(message: unknown): string {
  const content = (message as { content?: unknown } | undefined)?.content;
  if (typeof content === "string") return squash(content).slice(0, 500);
  if (!Array.isArray(content)) return "";
  return squash(content.map((b) => ((b as { type?: string }).type === "text" ? String((b as { text?: unknown }).text ?? "") : "")).join("")).slice(0, 500);
}

export interface Lane {
  id: string;
  key: string;
  next: number;
  /** performance.now() when the lane's last answered request ended, and its index. */
  lastEnd?: number;
  lastIndex?: number;
}

export interface Assignment {
  lane: Lane;
  index: number;
  /** For the first request of a sub-agent lane: the main lane's last answered request, and when it ended. */
  parent?: { session: string; index: number; endedAt: number };
}

/** Lanes of each Claude Code session: the first conversation keeps the session id, others get `/agent-N`. */
export class LaneBook {
  private readonly sessions = new Map<string, Lane[]>();

  assign(session: string, body: unknown): Assignment {
    const key = laneKey(body);
    const lanes = this.sessions.get(session) ?? [];
    this.sessions.set(session, lanes);
    const found = lanes.find((l) => l.key === key);
    if (found) return { lane: found, index: found.next++ };
    const main = lanes[0];
    const lane: Lane = { id: main ? `${session}/agent-${lanes.length}` : session, key, next: 1 };
    lanes.push(lane);
    const parent = main?.lastIndex !== undefined && main.lastEnd !== undefined ? { session: main.id, index: main.lastIndex, endedAt: main.lastEnd } : undefined;
    return { lane, index: 0, parent };
  }

  /** A request of the lane was answered. */
  ended(lane: Lane, index: number, at: number): void {
    if (lane.lastIndex === undefined || index >= lane.lastIndex) {
      lane.lastIndex = index;
      lane.lastEnd = at;
    }
  }
}
