import type { TraceSession } from "../trace/schema.ts";

/**
 * When each request of each session would start if the replay went exactly as recorded (recorded durations
 * and think times, sub-agents after their parent's request): the order in which an ideal prefix cache sees them.
 * Keyed by session id; values in ms, one per request in index order.
 */
export function nominalStarts(sessions: readonly TraceSession[], offsetMs: number): Map<string, number[]> {
  const byId = new Map(sessions.map((s) => [s.id, s]));
  const out = new Map<string, number[]>();
  const starts = (s: TraceSession, depth = 0): number[] => {
    const known = out.get(s.id);
    if (known) return known;
    const parent = s.parent && depth < 32 ? byId.get(s.parent.session) : undefined;
    let at = s.startMs + offsetMs;
    if (parent && s.parent) {
      const parentStarts = starts(parent, depth + 1);
      const p = parent.requests.findIndex((r) => r.index === s.parent!.index);
      at = (parentStarts[p] ?? 0) + (parent.requests[p]?.outcome?.duration_ms ?? 0);
    }
    const list: number[] = [];
    s.requests.forEach((r, i) => {
      if (i > 0) at += s.requests[i - 1].outcome?.duration_ms ?? 0;
      at += r.think_ms ?? 0;
      list.push(at);
    });
    out.set(s.id, list);
    return list;
  };
  for (const s of sessions) starts(s);
  return out;
}
