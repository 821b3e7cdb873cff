import { isClientParam } from "../grid/params.ts";
import type { PointRow } from "../results/columns.ts";
import type { RunRow } from "../report/load-run.ts";
import { matchesScenario } from "../report/scenario.ts";
import type { TuneObjective } from "./objective.ts";

/** What the tuner reads off a trial's rows. */
export interface Readings {
  objective?: number;
  ciLow?: number;
  ciHigh?: number;
  /**
   * The cheap pass's score, higher is better: output tok/s at its one concurrency level, or, when it probed
   * capacity at one N, the SLO headroom there (limit / measured, >= 1 passes; 0 when over-saturated).
   */
  screenScore?: number;
  /** A capacity screen: whether its one probe held the SLO, at how many sessions. */
  screenPass?: boolean;
  screenSessions?: number;
  /** Requests in flight at the objective's scenario (Little's law: request rate x mean latency), and their context. */
  activeRequests?: number;
  contextTokens?: number;
  /** Memory left free, when the engine's telemetry reports it (a column named *headroom*). */
  headroom?: number;
  /** Measured suite failures or errors: a configuration that errs never wins. */
  errors?: number;
}

const num = (v: unknown): number | undefined => (typeof v === "number" && Number.isFinite(v) ? v : typeof v === "string" && v !== "" && Number.isFinite(Number(v)) ? Number(v) : undefined);

function asRunRow(row: PointRow, paramNames: readonly string[]): RunRow {
  const params = Object.fromEntries(paramNames.filter((p) => row[p] !== undefined).map((p) => [p, row[p] as string | number | boolean]));
  return {
    pointId: String(row.point_id), status: row.status === "failed" ? "failed" : "ok", failure: String(row.failure ?? ""),
    suite: String(row.suite ?? ""), scenario: String(row.scenario ?? ""), concurrency: num(row.scenario_concurrency ?? row.concurrency), params, values: row,
  };
}

/** Rows holding the objective: the scenario it names, else its suite's highest concurrency. */
function objectiveRows(rows: RunRow[], o: TuneObjective, clientParams: readonly string[]): RunRow[] {
  const measured = rows.filter((r) => r.status === "ok" && num(r.values[o.metric]) !== undefined);
  if (o.scenario) return measured.filter((r) => matchesScenario(r, o.scenario as string, clientParams));
  const own = measured.filter((r) => r.suite === o.suite);
  const top = Math.max(...own.map((r) => r.concurrency ?? 0));
  return own.filter((r) => (r.concurrency ?? 0) === top);
}

const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : undefined);

export function readings(points: PointRow[], o: TuneObjective, paramNames: readonly string[]): Readings {
  const clientParams = paramNames.filter(isClientParam);
  const rows = points.map((r) => asRunRow(r, paramNames));
  const at = objectiveRows(rows, o, clientParams);
  const values = at.map((r) => num(r.values[o.metric]) as number);
  const ci = (side: "low" | "high") => mean(at.map((r) => num(r.values[`${o.metric}_ci_${side}`])).filter((v): v is number => v !== undefined));
  const screen = rows.find((r) => r.suite === "concurrency" && num(r.values.output_tok_s) !== undefined);
  const probes = rows.filter((r) => r.suite === "capacity" && /^n\d+$/.test(r.scenario) && r.values.slo_met !== undefined && r.values.slo_met !== "");
  const probe = probes.length === 1 ? probes[0] : undefined;
  const busy = at.find((r) => num(r.values.request_s) !== undefined && num(r.values.e2el_ms_mean) !== undefined);
  const headroomColumn = Object.keys(points[0] ?? {}).find((c) => /headroom/.test(c) && num(points[0][c]) !== undefined);
  const objective = mean(values);
  return {
    objective, ciLow: ci("low") ?? objective, ciHigh: ci("high") ?? objective,
    ...(probe ? {
      screenScore: 1 / (num(probe.values.slo_ratio) ?? Infinity), screenPass: String(probe.values.slo_met) === "true", screenSessions: probe.concurrency,
    } : { screenScore: screen && num(screen.values.output_tok_s) }),
    activeRequests: busy && (num(busy.values.request_s) as number) * (num(busy.values.e2el_ms_mean) as number) / 1000,
    contextTokens: busy && (num(busy.values.prompt_tokens_mean) ?? 0) + (num(busy.values.output_tokens_mean) ?? 0),
    headroom: headroomColumn ? mean(points.map((r) => num(r[headroomColumn])).filter((v): v is number => v !== undefined)) : undefined,
    errors: rows.filter((r) => r.status === "failed").length,
  };
}
