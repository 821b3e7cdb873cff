import type { RequestRecord } from "../client/types.ts";
import type { Slo } from "../metrics/goodput.ts";
import { percentile } from "../metrics/percentile.ts";
import type { Cell } from "../results/columns.ts";
import type { ScenarioOutcome } from "../suites/types.ts";

/** Context-depth buckets of the replay's rows, by the request's prompt tokens (k = 1024). */
export const DEPTH_BUCKETS = [
  { name: "0-8k", below: 8 * 1024 },
  { name: "8-32k", below: 32 * 1024 },
  { name: "32-64k", below: 64 * 1024 },
  { name: "64k+", below: Infinity },
] as const;

export function depthBucket(tokens: number): string {
  return DEPTH_BUCKETS.find((b) => tokens < b.below)!.name;
}

export interface ReplayRep {
  records: RequestRecord[];
}

export interface OutcomeContext {
  copies: number;
  slo?: Slo;
  skippedTooLong: number;
  /** Columns for the session row: server-side deltas, cache reset. */
  sessionExtra: Record<string, Cell>;
}

/**
 * The replay's rows: one per context-depth bucket that saw requests, one per turn number, and one session
 * summary (every request; session wall time, tokens, send lag, skipped requests, the server's own counters).
 */
export function replayOutcomes(reps: ReplayRep[], ctx: OutcomeContext): ScenarioOutcome[] {
  const depth = (r: RequestRecord) => r.promptTokens ?? r.plannedPromptTokens ?? 0;
  const pick = (name: string, keep: (r: RequestRecord) => boolean, extra: Record<string, Cell> = {}): ScenarioOutcome => ({
    scenario: name, concurrency: ctx.copies, slo: ctx.slo, extra,
    repetitions: reps.map((rep) => ({ records: rep.records.filter(keep) })),
  });
  const all = reps.flatMap((r) => r.records);
  const buckets = DEPTH_BUCKETS.filter((b) => all.some((r) => depthBucket(depth(r)) === b.name)).map((b) => pick(b.name, (r) => depthBucket(depth(r)) === b.name));
  const maxTurn = Math.max(0, ...all.map((r) => r.turn ?? 0));
  const turns = Array.from({ length: maxTurn }, (_, i) => pick(`turn-${i + 1}`, (r) => r.turn === i + 1));
  return [...buckets, ...turns, pick("session", () => true, { ...sessionColumns(reps), skipped_too_long: ctx.skippedTooLong, ...ctx.sessionExtra })];
}

/** Medians across repetitions of: sessions, session wall time (median over sessions), total prompt and output tokens. */
function sessionColumns(reps: ReplayRep[]): Record<string, Cell> {
  const per = reps.map((rep) => {
    const spans = new Map<string, { from: number; to: number }>();
    for (const r of rep.records) {
      const key = r.session ?? "";
      const span = spans.get(key) ?? { from: Infinity, to: -Infinity };
      span.from = Math.min(span.from, r.scheduledNs ?? r.startNs);
      span.to = Math.max(span.to, r.endNs);
      spans.set(key, span);
    }
    const sum = (f: (r: RequestRecord) => number | undefined) => rep.records.reduce((n, r) => n + (f(r) ?? 0), 0);
    return {
      sessions: spans.size,
      session_wall_s: percentile([...spans.values()].map((s) => (s.to - s.from) / 1e9), 50),
      prompt_tokens_total: sum((r) => r.promptTokens),
      output_tokens_total: sum((r) => r.outputTokens),
    };
  });
  const median = (k: keyof (typeof per)[number]) => percentile(per.flatMap((p) => (p[k] === undefined ? [] : [p[k] as number])), 50);
  return { sessions: median("sessions"), session_wall_s: median("session_wall_s"), prompt_tokens_total: median("prompt_tokens_total"), output_tokens_total: median("output_tokens_total") };
}
