import { badInput } from "../errors.ts";
import type { TraceRequest, TraceSession } from "./schema.ts";

/**
 * Groups a trace's requests into sessions, each in index order. A repeated index or a sub-agent whose parent
 * request is not in the trace is an error naming the line.
 */
export function groupSessions(requests: Array<TraceRequest & { line?: number }>, file: string): TraceSession[] {
  const byId = new Map<string, Array<TraceRequest & { line?: number }>>();
  for (const r of requests) {
    const list = byId.get(r.session) ?? [];
    list.push(r);
    byId.set(r.session, list);
  }
  const sessions: TraceSession[] = [];
  for (const [id, list] of byId) {
    list.sort((a, b) => a.index - b.index);
    for (let i = 1; i < list.length; i++) {
      if (list[i].index === list[i - 1].index) throw badInput(`${file}:${list[i].line ?? "?"}: session '${id}' has request index ${list[i].index} twice`);
    }
    const parent = list.find((r) => r.parent)?.parent;
    sessions.push({ id, parent, startMs: list[0].start_ms ?? 0, requests: list.map(({ line: _line, ...r }) => r) });
  }
  for (const s of sessions) {
    if (!s.parent) continue;
    const parent = byId.get(s.parent.session);
    if (!parent?.some((r) => r.index === s.parent!.index)) {
      const line = byId.get(s.id)?.[0].line ?? "?";
      throw badInput(`${file}:${line}: session '${s.id}' names parent ${s.parent.session}#${s.parent.index}, which is not in the trace`);
    }
  }
  return sessions.sort((a, b) => a.startMs - b.startMs);
}
