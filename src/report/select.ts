import { badInput } from "../errors.ts";
import { candidatesOf, defaultScenario, resolveScenario, valueAt, type Candidate } from "./candidates.ts";
import { metricOf, type LoadedRun } from "./load-run.ts";
import { meets, missBy, parseObjective, parseSlo, type Objective, type Slo } from "./objective.ts";
import { paretoFront } from "./pareto.ts";
import { scenarioKey } from "./scenario.ts";

export interface SloCheck {
  slo: Slo;
  scenario: string;
  value?: number;
  ok: boolean;
}

export interface Evaluated {
  candidate: Candidate;
  objective?: number;
  latency?: number;
  throughput?: number;
  checks: SloCheck[];
  /** Why it cannot win; undefined when it is feasible. */
  excluded?: string;
  onFront: boolean;
}

export interface Selection {
  objective: Objective;
  scenario: string;
  /** Latency axis of the Pareto front (throughput axis: output_tok_s), both at `scenario`. */
  latencyMetric: string;
  slos: Slo[];
  evaluated: Evaluated[];
  front: Evaluated[];
  winner?: Evaluated;
  runnerUp?: Evaluated;
}

export interface SelectOptions {
  objective?: string;
  slos?: string[];
}

const LATENCY_METRICS = ["ttft_ms_p99", "ttft_ms_p50", "e2el_ms_p99", "e2el_ms_p50"];

/** SLO filter, Pareto front (latency vs throughput at the objective's scenario), winner by the objective. */
export function selectWinner(run: LoadedRun, opts: SelectOptions = {}): Selection {
  const objective = parseObjective(opts.objective, run.columns);
  const slos = (opts.slos ?? []).map((s) => parseSlo(s, run.columns));
  const fallback = defaultScenario(run);
  if (!objective.scenario && !fallback) throw badInput(`${run.dir}: no point measured anything`, "every point failed; see the failure column of points.csv");
  const scenario = objective.scenario ? resolveScenario(run, objective.scenario, "--objective") : (fallback as string);
  const candidates = candidatesOf(run);
  const latencyMetric = LATENCY_METRICS.find((m) => candidates.some((c) => valueAt(run, c, m, scenario) !== undefined)) ?? LATENCY_METRICS[0];
  const evaluated = candidates.map((candidate): Evaluated => {
    const checks = slos.flatMap((slo) => checkSlo(run, candidate, slo, scenario));
    const value = valueAt(run, candidate, objective.metric, scenario);
    const e: Evaluated = {
      candidate, objective: value, checks, onFront: false,
      latency: valueAt(run, candidate, latencyMetric, scenario), throughput: valueAt(run, candidate, "output_tok_s", scenario),
    };
    if (candidate.failures.length) e.excluded = `failed (${[...new Set(candidate.failures)].join(", ")})`;
    else if (allErrored(candidate)) e.excluded = `every request failed in ${allErrored(candidate)}`;
    else if (value === undefined) e.excluded = `${objective.metric} not measured at ${scenario}`;
    else if (checks.some((c) => !c.ok)) e.excluded = `misses ${checks.filter((c) => !c.ok).map(describeCheck).join("; ")}`;
    return e;
  });
  const feasible = evaluated.filter((e) => !e.excluded);
  const plotted = feasible.filter((e) => e.latency !== undefined && e.throughput !== undefined);
  const front = paretoFront(plotted.map((e) => ({ id: e.candidate.key, latency: e.latency as number, throughput: e.throughput as number, e }))).map((p) => p.e);
  for (const e of front) e.onFront = true;
  const ranked = [...feasible].sort((a, b) => compare(a, b, objective));
  return { objective, scenario, latencyMetric, slos, evaluated, front, winner: ranked[0], runnerUp: ranked[1] };
}

/** The first scenario where every request errored (an ok row of a run before schema 2 that measured nothing), if any. */
function allErrored(c: Candidate): string | undefined {
  const row = c.rows.find((r) => r.status === "ok" && (metricOf(r, "requests_sent") ?? 0) > 0 && (metricOf(r, "errors") ?? 0) >= (metricOf(r, "requests_sent") ?? 0));
  return row && `${row.suite}/${row.scenario}@c${row.concurrency}`;
}

/** Better objective first; ties go to lower latency, then higher throughput. */
function compare(a: Evaluated, b: Evaluated, o: Objective): number {
  const d = (a.objective as number) - (b.objective as number);
  if (d !== 0) return o.direction === "max" ? -d : d;
  return (a.latency ?? Infinity) - (b.latency ?? Infinity) || (b.throughput ?? 0) - (a.throughput ?? 0);
}

function checkSlo(run: LoadedRun, c: Candidate, slo: Slo, objectiveScenario: string): SloCheck[] {
  const keys = slo.scenario === "*"
    ? [...new Set(c.rows.filter((r) => r.status === "ok" && r.values[slo.metric] !== undefined).map((r) => scenarioKey(r, run.clientParams)))]
    : [slo.scenario ? resolveScenario(run, slo.scenario, `--slo '${slo.text}'`) : objectiveScenario];
  if (!keys.length) return [{ slo, scenario: "*", ok: false }];
  return keys.map((key) => {
    const value = valueAt(run, c, slo.metric, key);
    return { slo, scenario: key, value, ok: value !== undefined && meets(value, slo) };
  });
}

export function describeCheck(c: SloCheck): string {
  const v = c.value === undefined ? "not measured" : `${round(c.value)}`;
  return `${c.slo.metric}${c.slo.op}${c.slo.limit} at ${c.scenario} (${v})`;
}

/** The feasible-but-for-SLOs configuration closest to meeting them, with the SLOs it missed. */
export function closestMiss(sel: Selection): Evaluated | undefined {
  const distance = (e: Evaluated) => e.checks.reduce((sum, c) => sum + (c.value === undefined ? 1e6 : missBy(c.value, c.slo)), 0);
  return sel.evaluated
    .filter((e) => !e.candidate.failures.length && e.objective !== undefined && e.checks.some((c) => !c.ok))
    .sort((a, b) => distance(a) - distance(b))[0];
}

export function round(v: number): string {
  return Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 10 ? v.toFixed(1) : v.toFixed(2);
}
