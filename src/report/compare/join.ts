import { metricOf, type LoadedRun, type RunRow, type Value } from "../load-run.ts";
import { configLabel, scenarioKey, serverValues } from "../scenario.ts";

export const COMPARE_METRICS = ["output_tok_s", "per_user_output_tok_s", "request_s", "ttft_ms_p50", "ttft_ms_p99", "tpot_ms_mean", "e2el_ms_p50"];

export interface Side {
  pointId: string;
  config: string;
  /** How many configurations of this run measured the scenario; the best by output_tok_s stands for the run. */
  candidates: number;
  metrics: Record<string, number | undefined>;
}

export interface CompareRow {
  suite: string;
  scenario: string;
  concurrency?: number;
  shared: Record<string, Value>;
  a: Side;
  b: Side;
  /** b / a per metric. */
  ratios: Record<string, number | undefined>;
}

export interface Comparison {
  a: LoadedRun;
  b: LoadedRun;
  sharedParams: string[];
  rows: CompareRow[];
  /** What one run has and the other lacks: scenarios, parameters, engine, machine, lab version. */
  notShared: string[];
}

/** Joins two runs on (suite, scenario, concurrency, shared parameter values); anything else is listed as not shared. */
export function compareRuns(a: LoadedRun, b: LoadedRun): Comparison {
  const sharedParams = a.paramNames.filter((p) => b.paramNames.includes(p) && p !== "concurrency");
  const keyOf = (r: RunRow) => JSON.stringify([r.suite, r.scenario, r.concurrency ?? null, ...sharedParams.map((p) => r.params[p] ?? null)]);
  const ga = groupBy(a, keyOf);
  const gb = groupBy(b, keyOf);
  const rows: CompareRow[] = [];
  for (const [key, ra] of ga) {
    const rb = gb.get(key);
    if (!rb) continue;
    const sa = side(a, ra);
    const sb = side(b, rb);
    const ratios: Record<string, number | undefined> = {};
    for (const m of COMPARE_METRICS) ratios[m] = sa.metrics[m] && sb.metrics[m] !== undefined ? (sb.metrics[m] as number) / (sa.metrics[m] as number) : undefined;
    const first = ra[0];
    const shared: Record<string, Value> = {};
    for (const p of sharedParams) if (first.params[p] !== undefined) shared[p] = first.params[p];
    rows.push({ suite: first.suite, scenario: first.scenario, concurrency: first.concurrency, shared, a: sa, b: sb, ratios });
  }
  return { a, b, sharedParams, rows, notShared: notShared(a, b, ga, gb) };
}

function groupBy(run: LoadedRun, keyOf: (r: RunRow) => string): Map<string, RunRow[]> {
  const groups = new Map<string, RunRow[]>();
  for (const r of run.rows.filter((row) => row.status === "ok" && row.suite !== "")) groups.set(keyOf(r), [...(groups.get(keyOf(r)) ?? []), r]);
  return groups;
}

function side(run: LoadedRun, rows: RunRow[]): Side {
  const best = [...rows].sort((x, y) => (metricOf(y, "output_tok_s") ?? -Infinity) - (metricOf(x, "output_tok_s") ?? -Infinity))[0];
  const metrics: Record<string, number | undefined> = {};
  for (const m of COMPARE_METRICS) metrics[m] = metricOf(best, m);
  return { pointId: best.pointId, config: configLabel(serverValues(best, run.serverParams)), candidates: rows.length, metrics };
}

function notShared(a: LoadedRun, b: LoadedRun, ga: Map<string, RunRow[]>, gb: Map<string, RunRow[]>): string[] {
  const out: string[] = [];
  const scenarios = (run: LoadedRun, mine: Map<string, RunRow[]>, other: Map<string, RunRow[]>) =>
    [...new Set([...mine].filter(([k]) => !other.has(k)).map(([, rows]) => scenarioKey(rows[0], run.clientParams)))];
  const onlyA = scenarios(a, ga, gb);
  const onlyB = scenarios(b, gb, ga);
  if (onlyA.length) out.push(`scenarios only in A: ${onlyA.join(", ")}`);
  if (onlyB.length) out.push(`scenarios only in B: ${onlyB.join(", ")}`);
  const pa = a.paramNames.filter((p) => !b.paramNames.includes(p));
  const pb = b.paramNames.filter((p) => !a.paramNames.includes(p));
  if (pa.length) out.push(`parameters only in A: ${pa.join(", ")}`);
  if (pb.length) out.push(`parameters only in B: ${pb.join(", ")}`);
  const grid = (run: LoadedRun) => run.manifest.grid ?? {};
  const facts: Array<[string, (r: LoadedRun) => unknown]> = [
    ["engine", (r) => r.engine], ["model", (r) => grid(r).model], ["host", (r) => r.manifest.host?.hostname],
    ["GPUs", (r) => (r.manifest.host?.gpus ?? []).join("; ") || "none"], ["lab version", (r) => r.manifest.lab_version],
    ["CSV schema", (r) => r.schemaVersion], ["simulated", (r) => r.simulated],
  ];
  for (const [name, get] of facts) {
    const va = String(get(a) ?? "unknown");
    const vb = String(get(b) ?? "unknown");
    if (va !== vb) out.push(`${name} differs: A ${va}, B ${vb}`);
  }
  return out;
}
