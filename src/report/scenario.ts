import type { LoadedRun, RunRow, Value } from "./load-run.ts";
import { TELEMETRY_LOWER_IS_BETTER } from "../telemetry/columns.ts";

/**
 * A scenario is what the client measured: suite, scenario, concurrency and any other client-level parameter.
 * Key: `suite/scenario@cN` (plus ` k=v` for other client params), e.g. `concurrency/c5@c5`, `ttft/warm@c1`.
 */
export function scenarioKey(row: RunRow, clientParams: readonly string[]): string {
  const extra = clientParams.filter((p) => p !== "concurrency" && row.params[p] !== undefined).map((p) => ` ${p}=${row.params[p]}`);
  return `${row.suite}/${row.scenario}@c${row.concurrency ?? "?"}${extra.join("")}`;
}

/**
 * Whether a user's scenario selector names this row. Accepted: the full key, `suite/scenario`, `suite`,
 * `scenario`, `cN` (any row at concurrency N), or any of those followed by `@cN`.
 */
export function matchesScenario(row: RunRow, selector: string, clientParams: readonly string[]): boolean {
  const key = scenarioKey(row, clientParams);
  if (selector === key) return true;
  const [name, level] = selector.split("@");
  if (level !== undefined && level !== `c${row.concurrency}`) return false;
  if (name === "" || name === `c${row.concurrency}`) return true;
  return name === row.suite || name === row.scenario || name === `${row.suite}/${row.scenario}`;
}

/** The server-level parameters of a row: what an engine restart changes. */
export function serverValues(row: RunRow, serverParams: readonly string[]): Record<string, Value> {
  const out: Record<string, Value> = {};
  for (const p of serverParams) if (row.params[p] !== undefined) out[p] = row.params[p];
  return out;
}

export function configKey(row: RunRow, serverParams: readonly string[]): string {
  return JSON.stringify(serverParams.map((p) => row.params[p] ?? null));
}

/** Human label of a configuration, e.g. `parallel=4 ubatch-size=512`; `(base)` when the grid has no server params. */
export function configLabel(values: Record<string, Value>): string {
  const parts = Object.entries(values).map(([k, v]) => `${k}=${v}`);
  return parts.length ? parts.join(" ") : "(base)";
}

/**
 * Metrics where lower is better: latencies, startup time, errors, energy, power, memory used, CPU time.
 * Everything else (throughputs, ratios, tokens per joule, memory headroom) is maximized.
 */
export function lowerIsBetter(metric: string): boolean {
  return /_ms(_|$)/.test(metric) || metric === "startup_s" || metric === "errors" || metric.startsWith("server_preemptions") ||
    TELEMETRY_LOWER_IS_BETTER.has(metric);
}

/** Server params with more than one measured value, in matrix order. */
export function variedParams(run: LoadedRun, names: readonly string[] = run.serverParams): string[] {
  return names.filter((p) => new Set(run.rows.map((r) => JSON.stringify(r.params[p]))).size > 1);
}
