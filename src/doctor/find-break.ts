import type { Segment } from "../trace/render.ts";
import { classify, type BreakKind } from "./classify.ts";
import { commonPrefix, locate } from "./locate.ts";

export interface PrefixBreak {
  kind: BreakKind;
  /** The prompt element that changed (`system[0]`, `tools[3]`, `messages[2]`). */
  element: string;
  /** JSON path of the first difference inside the request body, e.g. `messages[0].content[1].text`. */
  path: string;
  /** Character offset of the difference inside the string at `path`, when it is a string. */
  char?: number;
  /** Byte offset of the first differing byte in the rendered prompt (system, tools, messages in order). */
  byte: number;
  /** A few characters around the difference, before and after. */
  before: string;
  after: string;
  /** False when the engine's tokens show no loss: its chat template does not render what changed. */
  reaches_engine: boolean;
}

export interface Comparison {
  /** Bytes of the earlier prompt that the later one repeats verbatim from the start. */
  sharedBytes: number;
  prevBytes: number;
  curBytes: number;
  /** Undefined when the later prompt extends the earlier one (nothing to recompute). */
  break?: PrefixBreak;
}

const bytes = (text: string) => Buffer.byteLength(text);

/** Compares the rendered prompt of a request with the previous one of its session. */
export function comparePrompts(prev: Segment[], cur: Segment[]): Comparison {
  const prevBytes = prev.reduce((n, s) => n + bytes(s.text), 0);
  const curBytes = cur.reduce((n, s) => n + bytes(s.text), 0);
  let offset = 0;
  for (let k = 0; k < prev.length; k++) {
    const p = prev[k];
    const c = cur[k];
    if (c && c.path === p.path && c.text === p.text) {
      offset += bytes(p.text);
      continue;
    }
    const lcp = c && c.path === p.path ? commonPrefix(p.text, c.text) : 0;
    const byte = offset + bytes(p.text.slice(0, lcp));
    const at = c && c.path === p.path ? locate(p.value, c.value, p.path) : { path: p.path, before: p.value, after: c?.value };
    const { kind, path } = classify(p, c && c.path === p.path ? c : undefined, at, toolsOf(prev), toolsOf(cur));
    const excerpt = (v: unknown) => (typeof v === "string" ? v.slice(Math.max(0, (at.char ?? 0) - 16), (at.char ?? 0) + 32) : JSON.stringify(v ?? null).slice(0, 48));
    return {
      sharedBytes: byte, prevBytes, curBytes,
      break: { kind, element: p.path, path, ...(at.char !== undefined && path === at.path ? { char: at.char } : {}), byte, before: excerpt(at.before), after: excerpt(at.after), reaches_engine: true },
    };
  }
  return { sharedBytes: prevBytes, prevBytes, curBytes };
}

function toolsOf(segments: Segment[]): unknown[] {
  return segments.filter((s) => s.path.startsWith("tools[")).map((s) => s.value);
}
