import type { Trace, TraceRequest } from "../trace/schema.ts";
import { chatBody, promptSegments, type Segment, type View } from "../trace/render.ts";
import type { BreakKind } from "./classify.ts";
import type { ChatTokenizer } from "./engine-tokens.ts";
import { comparePrompts, type PrefixBreak } from "./find-break.ts";
import { commonUnits, estimateUnits, type UnitSource } from "./units.ts";

/** The doctor's finding for one request: where its prompt stops repeating the previous one of its session. */
export interface DoctorRow {
  session: string;
  index: number;
  prompt_tokens: number;
  /** Tokens of the previous prompt this one repeats from the start (what an ideal prefix cache reuses). */
  shared_tokens: number;
  /** Tokens of the previous prompt after the break, which the engine must compute again. */
  recompute_tokens: number;
  ideal_hit_ratio: number;
  /** cached / prompt tokens from the server's usage, when the trace recorded it. */
  achieved_hit_ratio?: number;
  break?: PrefixBreak;
}

export interface DoctorReport {
  trace: string;
  view: View;
  token_source: UnitSource;
  requests: number;
  breaks: Partial<Record<BreakKind, number>>;
  rows: DoctorRow[];
}

type Body = Parameters<typeof promptSegments>[0];

/** Runs the prefix-stability check over every session of a trace. */
export async function doctorTrace(trace: Trace, view: View, tokenizer?: ChatTokenizer): Promise<DoctorReport> {
  const rows: DoctorRow[] = [];
  let source: UnitSource = tokenizer ? "engine" : "estimate";
  for (const session of trace.sessions) {
    let prev: { segments: Segment[]; units: number[] } | undefined;
    for (const req of session.requests) {
      const body = req.body as Body;
      const segments = promptSegments(body, view);
      const engineUnits = tokenizer ? await tokenizer(chatBody(body, view, String(body.model ?? "model"))) : undefined;
      if (tokenizer && !engineUnits) source = "estimate";
      const units = engineUnits ?? estimateUnits(segments.map((s) => s.text).join(""));
      rows.push(doctorRow(session.id, req, segments, units, prev, engineUnits !== undefined));
      prev = { segments, units };
    }
  }
  const breaks: Partial<Record<BreakKind, number>> = {};
  for (const r of rows) if (r.break?.reaches_engine) breaks[r.break.kind] = (breaks[r.break.kind] ?? 0) + 1;
  return { trace: trace.source, view, token_source: source, requests: rows.length, breaks, rows };
}

/**
 * One request against the previous one of its session. With the engine's own tokens (`exact`), a change that
 * costs no token (the chat template does not render it, e.g. an old turn's reasoning) is kept but marked as
 * not reaching the engine.
 */
export function doctorRow(
  session: string, req: Pick<TraceRequest, "index" | "outcome">, segments: Segment[], units: number[], prev?: { segments: Segment[]; units: number[] }, exact = false,
): DoctorRow {
  const cmp = prev ? comparePrompts(prev.segments, segments) : undefined;
  const shared = prev ? commonUnits(prev.units, units) : 0;
  if (cmp?.break && prev && exact && shared >= prev.units.length) cmp.break.reaches_engine = false;
  const o = req.outcome;
  const prompt = o && o.input_tokens !== undefined ? o.input_tokens + (o.cached_tokens ?? 0) : undefined;
  return {
    session, index: req.index, prompt_tokens: units.length, shared_tokens: shared,
    recompute_tokens: cmp?.break && prev ? Math.max(0, prev.units.length - shared) : 0,
    ideal_hit_ratio: units.length ? shared / units.length : 0,
    ...(prompt ? { achieved_hit_ratio: (o?.cached_tokens ?? 0) / prompt } : {}),
    ...(cmp?.break ? { break: cmp.break } : {}),
  };
}
