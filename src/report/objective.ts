import { badInput } from "../errors.ts";
import { metricColumns } from "../metrics/registry.ts";
import { SERVER_COLUMNS } from "../metrics/server-deltas.ts";
import { TELEMETRY_COLUMNS } from "../telemetry/columns.ts";
import { lowerIsBetter } from "./scenario.ts";

export interface Objective {
  metric: string;
  /** Scenario selector; undefined = the run's highest-concurrency scenario. */
  scenario?: string;
  direction: "max" | "min";
}

export type SloOp = "<=" | "<" | ">=" | ">";

export interface Slo {
  text: string;
  metric: string;
  /** Scenario selector; undefined = the objective's scenario; `*` = every scenario the configuration measured. */
  scenario?: string;
  op: SloOp;
  limit: number;
}

/** Numbers a run can be ranked on: every registered metric, the server's, telemetry, and the scenario's (plus whatever else a run's CSV holds). */
const NUMERIC_METRICS = new Set<string>([
  ...metricColumns().filter((c) => !["spread_flag", "tokens_source"].includes(c)), ...SERVER_COLUMNS, ...TELEMETRY_COLUMNS,
  "startup_s", "scenario_concurrency", "repetitions",
]);

function checkMetric(metric: string, where: string, columns?: readonly string[]): void {
  if (NUMERIC_METRICS.has(metric) || columns?.includes(metric)) return;
  throw badInput(`${where}: unknown metric '${metric}'`, `known: ${[...NUMERIC_METRICS].join(", ")}`);
}

/** `METRIC[@SCENARIO]`, optionally prefixed `max:` or `min:` to override the direction inferred from the name. */
export function parseObjective(text: string | undefined, columns?: readonly string[]): Objective {
  const spec = text ?? "output_tok_s";
  const m = /^(?:(max|min):)?([a-z0-9_]+)(?:@(.+))?$/.exec(spec.trim());
  if (!m) throw badInput(`--objective '${spec}': expected METRIC[@SCENARIO]`, "e.g. output_tok_s@concurrency/c5 or min:ttft_ms_p99@ttft/warm");
  checkMetric(m[2], `--objective '${spec}'`, columns);
  const direction = (m[1] as "max" | "min" | undefined) ?? (lowerIsBetter(m[2]) ? "min" : "max");
  return { metric: m[2], scenario: m[3], direction };
}

/** `METRIC[@SCENARIO]OP VALUE`, e.g. `ttft_ms_p99<=2000`, `output_tok_s@c1>=40`. */
export function parseSlo(text: string, columns?: readonly string[]): Slo {
  const m = /^([a-z0-9_]+)(?:@([^<>=]+))?\s*(<=|>=|<|>)\s*([-+]?\d*\.?\d+(?:[eE][-+]?\d+)?)$/.exec(text.trim());
  if (!m) throw badInput(`--slo '${text}': expected METRIC[@SCENARIO]<=VALUE (or >=, <, >)`, "e.g. --slo 'ttft_ms_p99<=2000'");
  checkMetric(m[1], `--slo '${text}'`, columns);
  return { text: text.trim(), metric: m[1], scenario: m[2]?.trim(), op: m[3] as SloOp, limit: Number(m[4]) };
}

export function meets(value: number, slo: Slo): boolean {
  switch (slo.op) {
    case "<=": return value <= slo.limit;
    case "<": return value < slo.limit;
    case ">=": return value >= slo.limit;
    case ">": return value > slo.limit;
  }
}

/** How far a value is outside an SLO, relative to the limit (0 when met). */
export function missBy(value: number, slo: Slo): number {
  if (meets(value, slo)) return 0;
  return Math.abs(value - slo.limit) / Math.max(Math.abs(slo.limit), 1e-9);
}

export function describeObjective(o: Objective, scenarioKey: string): string {
  return `${o.direction === "max" ? "maximize" : "minimize"} ${o.metric} @ ${scenarioKey}`;
}
