import type { ExchangeResult, ProxyObserver } from "../proxy/observe.ts";
import { LaneBook } from "../trace/lanes.ts";
import { chatBody, promptSegments, type Segment } from "../trace/render.ts";
import { sessionIdOf } from "../trace/session-id.ts";
import { doctorRow } from "./cache-doctor.ts";
import type { ChatTokenizer } from "./engine-tokens.ts";
import { describeBreak } from "./format.ts";
import { estimateUnits } from "./units.ts";

interface Units {
  ids: number[];
  /** The engine's own tokens (not an estimate). */
  exact: boolean;
}

interface Previous {
  segments: Segment[];
  units: Promise<Units>;
}

/**
 * `bench proxy --cache-doctor`: compares each request's engine prompt (after the proxy's translation) with the
 * previous one of its Claude Code conversation and logs one line per prefix break, with the tokens it costs
 * (the engine's tokenizer when it has one) and the ideal vs achieved hit ratio. Off the hot path: the check
 * runs after the response ended.
 */
export class ProxyCacheDoctor implements ProxyObserver {
  private readonly lanes = new LaneBook();
  private readonly previous = new Map<string, Previous>();
  private tokenizer?: Promise<ChatTokenizer | undefined>;

  constructor(
    private readonly log: (line: string) => void,
    private readonly makeTokenizer: () => Promise<ChatTokenizer>,
  ) {}

  begin(ex: Parameters<ProxyObserver["begin"]>[0]) {
    const session = sessionIdOf(ex.headers, ex.body) ?? "no-session";
    const { lane, index } = this.lanes.assign(session, ex.body);
    const body = ex.body as Parameters<typeof promptSegments>[0];
    const segments = promptSegments(body, "proxy");
    const prev = this.previous.get(lane.id);
    const units = this.units(body, segments);
    this.previous.set(lane.id, { segments, units });
    return {
      end: (result: ExchangeResult) => {
        this.lanes.ended(lane, index, result.endedAt);
        void this.report(lane.id, index, segments, units, prev, result);
      },
    };
  }

  private async report(session: string, index: number, segments: Segment[], units: Promise<Units>, prev: Previous | undefined, result: ExchangeResult) {
    if (!prev) return;
    const u = result.usage;
    const outcome = u ? { input_tokens: u.input_tokens, cached_tokens: u.cache_read_input_tokens } : undefined;
    const [cur, before] = await Promise.all([units, prev.units]);
    const row = doctorRow(session, { index, outcome }, segments, cur.ids, { segments: prev.segments, units: before.ids }, cur.exact && before.exact);
    if (!row.break?.reaches_engine) return;
    const achieved = row.achieved_hit_ratio === undefined ? "" : ` vs achieved ${Math.round(row.achieved_hit_ratio * 100)}%`;
    this.log(`cache-doctor: ${session}#${index} prefix broken at ${describeBreak(row)}; ${row.recompute_tokens} tokens to recompute; ideal hit ${Math.round(row.ideal_hit_ratio * 100)}%${achieved}`);
  }

  private async units(body: Parameters<typeof promptSegments>[0], segments: Segment[]): Promise<Units> {
    this.tokenizer ??= this.makeTokenizer().catch(() => undefined);
    const tokenizer = await this.tokenizer;
    const ids = tokenizer ? await tokenizer(chatBody(body, "proxy", String(body.model ?? "model"))).catch(() => undefined) : undefined;
    return ids ? { ids, exact: true } : { ids: estimateUnits(segments.map((s) => s.text).join("")), exact: false };
  }
}
