import type { RequestRecord } from "../client/types.ts";
import { percentile } from "../metrics/percentile.ts";
import { tpotMs } from "../metrics/tpot.ts";
import { ttftMs } from "../metrics/ttft.ts";
import type { SessionSource } from "./session-source.ts";
import type { SuiteContext } from "./types.ts";
import { openUserLanes } from "./user-lanes.ts";

export interface CapacitySlo {
  ttft_ms: number;
  tpot_ms: number;
  /** Which percentile of TTFT and TPOT must stay under the limits. */
  percentile: number;
}

export interface ProbeResult {
  sessions: number;
  records: RequestRecord[];
  ttftP: number | undefined;
  tpotP: number | undefined;
  /** Worst of (measured / limit) over both SLOs and any error: <= 1 passes. */
  ratio: number;
  /** The probe was stopped early: TTFT kept rising far past the SLO (the queue only grows). */
  oversaturated: boolean;
}

/**
 * With `decideEarly`: true once the probe has certainly failed, whatever its remaining requests measure: more than
 * (100 - p)% of all `total` requests (plus one) are over a limit, so the p-th percentile over all of them (linear
 * interpolation) is over it too. The figures of a probe stopped so are partial; its pass/fail is not.
 */
function failedFor(slo: CapacitySlo, total: number): (r: RequestRecord) => boolean {
  const enough = Math.floor(((100 - slo.percentile) / 100) * total) + 2;
  let ttftOver = 0;
  let tpotOver = 0;
  return (r) => {
    if (!r.ok) return true;
    if ((ttftMs([r])[0] ?? 0) > slo.ttft_ms) ttftOver++;
    if ((tpotMs([r])[0] ?? 0) > slo.tpot_ms) tpotOver++;
    return ttftOver >= enough || tpotOver >= enough;
  };
}

/** Median TTFT of the last turns, past this many times the TTFT limit, means the queue only grows: stop. */
const SATURATION_FACTOR = 4;

/**
 * N users run their sessions at once (one lane each: on the simulator the engine waits for them, so think times
 * cost no wall time). The probe passes when the p-th percentile of TTFT per turn and of TPOT stay within the SLO
 * and no request fails. It stops early once the median TTFT of the last max(4, N) finished turns exceeds
 * SATURATION_FACTOR x the limit: past that, waiting longer only adds queue.
 */
export async function probeSessions(ctx: SuiteContext, source: SessionSource, n: number, slo: CapacitySlo, decideEarly = false): Promise<ProbeResult> {
  const scripts = await source.sessions(n);
  const users = await openUserLanes(ctx, n);
  const records: RequestRecord[] = [];
  const window = Math.max(4, n);
  let oversaturated = false;
  let decided = false;
  const verdict = failedFor(slo, scripts.reduce((sum, s) => sum + s.turns.length, 0));
  const finished = (r: RequestRecord) => {
    records.push(r);
    const recent = ttftMs(records.slice(-window));
    if (records.length >= window && (percentile(recent, 50) ?? 0) > SATURATION_FACTOR * slo.ttft_ms) oversaturated = true;
    if (decideEarly && verdict(r)) decided = true;
  };
  await Promise.all(users.lanes.map(async (lane, i) => {
    try {
      for (const turn of scripts[i].turns) {
        if (oversaturated || decided || ctx.signal.aborted) break;
        finished(await lane.send(turn.request, { thinkS: turn.thinkS }));
      }
    } finally {
      await lane.close();
    }
  }));
  const ttftP = percentile(ttftMs(records), slo.percentile);
  const tpotP = percentile(tpotMs(records), slo.percentile);
  const errors = records.some((r) => !r.ok);
  const ratio = Math.max(oversaturated || errors || ttftP === undefined ? Infinity : ttftP / slo.ttft_ms, tpotP === undefined ? 0 : tpotP / slo.tpot_ms);
  return { sessions: n, records, ttftP, tpotP, ratio, oversaturated };
}
