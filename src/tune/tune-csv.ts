import { existsSync, readFileSync, appendFileSync } from "node:fs";
import { join } from "node:path";
import { writeAtomic } from "../results/atomic.ts";
import { toCsv } from "../results/csv.ts";
import type { Cell } from "../results/columns.ts";
import type { Config, TrialResult } from "./trial.ts";
import type { Decision } from "./tuner.ts";

export const TUNE_CSV = "tune.csv";
/** Every finished trial, one JSON per line, appended as it ends: what --resume replays. */
export const TRIALS_LOG = "trials.jsonl";

const COLUMNS = [
  "line", "server_id", "point_id", "fidelity", "decision", "reason", "objective", "objective_ci_low", "objective_ci_high",
  "screen_score", "engine_s", "spent_s", "startup_s", "kv_tokens", "failure", "started_at",
];

/** tune.csv: one row per trial or skipped configuration, in the order decided, with its parameters. */
export function writeTuneCsv(dir: string, decisions: Decision[], configs: Config[], paramNames: string[]): void {
  const byId = new Map(configs.map((c) => [c.id, c]));
  const rows = decisions.map((d, i): Record<string, Cell> => {
    const c = byId.get(d.config);
    const t = d.trial;
    return {
      line: i + 1, server_id: d.config, point_id: c?.points[0].id, ...(c?.server ?? {}), fidelity: d.fidelity, decision: d.decision, reason: d.reason,
      objective: t?.objective, objective_ci_low: t?.ciLow, objective_ci_high: t?.ciHigh, screen_score: t?.screenScore,
      engine_s: t?.engineS ?? 0, spent_s: d.spentS, startup_s: t?.startupS, kv_tokens: t?.kvTokens, failure: t?.failure, started_at: t?.startedAt,
    };
  });
  const params = paramNames.filter((p) => configs.some((c) => p in c.server));
  writeAtomic(join(dir, TUNE_CSV), toCsv([...COLUMNS.slice(0, 3), ...params, ...COLUMNS.slice(3)], rows));
}

export function appendTrial(dir: string, trial: TrialResult): void {
  appendFileSync(join(dir, TRIALS_LOG), JSON.stringify(trial) + "\n");
}

export function readTrials(dir: string): TrialResult[] {
  const file = join(dir, TRIALS_LOG);
  if (!existsSync(file)) return [];
  return readFileSync(file, "utf8").split("\n").filter((l) => l.trim()).map((l) => JSON.parse(l) as TrialResult);
}
