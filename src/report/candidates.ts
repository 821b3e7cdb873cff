import { badInput } from "../errors.ts";
import { metricOf, type LoadedRun, type RunRow, type Value } from "./load-run.ts";
import { configKey, configLabel, matchesScenario, scenarioKey, serverValues } from "./scenario.ts";

/** A server configuration (one engine start): the thing promote can deploy. Client-level points are its scenarios. */
export interface Candidate {
  key: string;
  label: string;
  server: Record<string, Value>;
  pointIds: string[];
  rows: RunRow[];
  /** Failure causes of its failed rows; a configuration with any failure never wins. */
  failures: string[];
}

export function candidatesOf(run: LoadedRun): Candidate[] {
  const byKey = new Map<string, Candidate>();
  for (const row of run.rows) {
    const key = configKey(row, run.serverParams);
    let c = byKey.get(key);
    if (!c) {
      const server = serverValues(row, run.serverParams);
      c = { key, label: configLabel(server), server, pointIds: [], rows: [], failures: [] };
      byKey.set(key, c);
    }
    if (!c.pointIds.includes(row.pointId)) c.pointIds.push(row.pointId);
    c.rows.push(row);
    if (row.status === "failed") c.failures.push(row.failure || "failed");
  }
  return [...byKey.values()];
}

/** Scenario keys of ok rows matching a selector, in first-seen order. */
export function scenarioKeys(run: LoadedRun, selector?: string): string[] {
  const keys = new Set<string>();
  for (const row of run.rows) {
    if (row.status !== "ok" || row.suite === "") continue;
    if (selector === undefined || selector === "*" || matchesScenario(row, selector, run.clientParams)) keys.add(scenarioKey(row, run.clientParams));
  }
  return [...keys];
}

/** One scenario key for a selector; an ambiguous or unknown selector is the user's to fix. */
export function resolveScenario(run: LoadedRun, selector: string, where: string): string {
  const keys = scenarioKeys(run, selector);
  if (keys.length === 1) return keys[0];
  const known = scenarioKeys(run).join(", ");
  if (!keys.length) throw badInput(`${where}: no measured scenario matches '${selector}'`, `measured: ${known}`);
  throw badInput(`${where}: '${selector}' matches several scenarios (${keys.join(", ")})`, "name one of them, e.g. suite/scenario@cN");
}

/** Default scenario: the highest concurrency measured; among several, the one most configurations measured. */
export function defaultScenario(run: LoadedRun): string | undefined {
  const ok = run.rows.filter((r) => r.status === "ok" && r.suite !== "");
  if (!ok.length) return undefined;
  const top = Math.max(...ok.map((r) => r.concurrency ?? 0));
  const counts = new Map<string, Set<string>>();
  for (const r of ok.filter((row) => (row.concurrency ?? 0) === top)) {
    const key = scenarioKey(r, run.clientParams);
    counts.set(key, (counts.get(key) ?? new Set()).add(configKey(r, run.serverParams)));
  }
  return [...counts.entries()].sort((a, b) => b[1].size - a[1].size)[0][0];
}

/** Mean of a metric over a candidate's ok rows of one scenario key (several rows only when repeated). */
export function valueAt(run: LoadedRun, c: Candidate, metric: string, key: string): number | undefined {
  const values = c.rows
    .filter((r) => r.status === "ok" && scenarioKey(r, run.clientParams) === key)
    .map((r) => metricOf(r, metric))
    .filter((v): v is number => v !== undefined);
  return values.length ? values.reduce((a, b) => a + b, 0) / values.length : undefined;
}
