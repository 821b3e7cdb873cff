import type { ChatTokenizer } from "../doctor/engine-tokens.ts";
import { commonUnits, estimateUnits, IdealPrefixCache, type UnitSource } from "../doctor/units.ts";
import type { Api } from "../suites/types.ts";
import { chatBody, promptSegments } from "../trace/render.ts";
import type { Trace, TraceRequest } from "../trace/schema.ts";
import { nominalStarts } from "./nominal.ts";
import { payloadFor, replayBody, viewFor } from "./prepare-body.ts";

export type ThinkTime = "keep" | "none" | "scale";

export interface ReplaySettings {
  /** Copies of the trace's sessions run at once (`sessions`), staggered by `staggerMs`. */
  copies: number;
  staggerMs: number;
  /** Divides session start offsets (and think times with `scale`). */
  speed: number;
  thinkTime: ThinkTime;
  /** max_tokens when the trace did not record an output length. */
  defaultOutputTokens: number;
  /** Fresh per run: no copy shares a conversation with an earlier run. */
  salt: string;
  /** A time-scaled simulator runs K times faster: the whole schedule shrinks by K (1 for real engines). */
  timeScale: number;
}

export interface PlannedRequest {
  index: number;
  /** Wait after the previous response of the lane (or the parent's) ended. */
  thinkNs: number;
  /** The bytes to send, encoded ahead of time; undefined when skipped. */
  payload?: Buffer;
  skipped?: "too_long";
  promptTokens: number;
  idealCached: number;
}

export interface PlannedLane {
  id: string;
  /** Top-level lanes: when the first request is due, from the replay's start. */
  startNs: number;
  parent?: { lane: string; index: number };
  requests: PlannedRequest[];
}

export interface Plan {
  lanes: PlannedLane[];
  skippedTooLong: number;
  tokenSource: UnitSource;
}

export interface PlanTarget {
  api: Api;
  path: string;
  /** The engine behind the path, when known (llama-server's own /v1/messages normalizes the billing header). */
  engine?: string;
  model: string;
  /** Tokens one request may use (prompt + output); over-long requests are skipped, never truncated. */
  context?: number;
  tokenizer?: ChatTokenizer;
}

type Body = Parameters<typeof promptSegments>[0];

/**
 * Turns a trace into what the scheduler sends: every copy of every session with its salt, bodies serialized
 * ahead of time (nothing but the send happens on schedule), prompt sizes in the engine's tokens when it can
 * tokenize, and each request's ideal cache hit: the longest prefix an unbounded prefix cache would hold from
 * the requests before it, in trace order.
 */
export async function planReplay(trace: Trace, target: PlanTarget, s: ReplaySettings): Promise<Plan> {
  const lanes: PlannedLane[] = [];
  const work: Array<{ lane: PlannedLane; copy: number; req: TraceRequest; at: number }> = [];
  for (let c = 0; c < s.copies; c++) {
    const laneId = (id: string) => (s.copies > 1 ? `c${c + 1}/${id}` : id);
    const starts = nominalStarts(trace.sessions, c * s.staggerMs);
    for (const session of trace.sessions) {
      const lane: PlannedLane = { id: laneId(session.id), startNs: ms((session.startMs + c * s.staggerMs) / s.speed / s.timeScale), requests: [] };
      if (session.parent) lane.parent = { lane: laneId(session.parent.session), index: session.parent.index };
      lanes.push(lane);
      session.requests.forEach((req, i) => work.push({ lane, copy: c, req, at: starts.get(session.id)![i] }));
    }
  }
  work.sort((a, b) => a.at - b.at);
  const cache = new IdealPrefixCache();
  const previous = new Map<string, number[]>();
  const view = viewFor(target.path, target.engine);
  let skipped = 0;
  let source: UnitSource = target.tokenizer ? "engine" : "estimate";
  for (const { lane, copy, req } of work) {
    const output = req.outcome?.output_tokens || s.defaultOutputTokens;
    const body = replayBody(req.body as Body, `${s.salt}-${copy + 1}`, target.model, Math.min(output, Number(req.body.max_tokens ?? output) || output));
    const ids = target.tokenizer ? await target.tokenizer(chatBody(body, view, target.model)) : undefined;
    if (target.tokenizer && !ids) source = "estimate";
    const units = ids ?? estimateUnits(promptSegments(body, view).map((seg) => seg.text).join(""));
    const ideal = Math.max(commonUnits(previous.get(lane.id) ?? [], units), cache.lookup(units));
    cache.insert(units);
    previous.set(lane.id, units);
    const planned: PlannedRequest = { index: req.index, thinkNs: thinkNs(req, s), promptTokens: units.length, idealCached: Math.min(ideal, units.length) };
    if (target.context && units.length >= target.context) {
      planned.skipped = "too_long";
      skipped++;
    } else {
      if (target.context) body.max_tokens = Math.min(Number(body.max_tokens), target.context - units.length);
      planned.payload = Buffer.from(payloadFor(target.api, body, target.model));
    }
    lane.requests.push(planned);
  }
  for (const lane of lanes) lane.requests.sort((a, b) => a.index - b.index);
  return { lanes, skippedTooLong: skipped, tokenSource: source };
}

function thinkNs(req: TraceRequest, s: ReplaySettings): number {
  const think = req.think_ms ?? 0;
  if (s.thinkTime === "none") return 0;
  return ms((s.thinkTime === "scale" ? think / s.speed : think) / s.timeScale);
}

const ms = (value: number) => Math.round(value * 1e6);
