import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Selection } from "../report/select.ts";

interface TuneJson {
  settings?: { objective?: string };
  winner?: { params?: Record<string, unknown>; why?: string };
}

/** The tune's record of a `bench tune` run directory (tune.json), or undefined for a grid run. */
export function readTune(runDir: string): TuneJson | undefined {
  const file = join(runDir, "tune.json");
  return existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as TuneJson) : undefined;
}

/**
 * On a tune run promoted with the tune's own objective, the tuner's winner wins: it broke ties noise-aware
 * (overlapping 95% intervals, then startup time, then memory headroom), which a plain ranking cannot see.
 * Returns the reason, or undefined when the selection stays as it was.
 */
export function preferTuneWinner(sel: Selection, tune: TuneJson | undefined): string | undefined {
  const params = tune?.winner?.params;
  if (!params) return undefined;
  const chosen = sel.evaluated.find((e) => !e.excluded && Object.entries(params).every(([k, v]) => e.candidate.server[k] === v));
  if (!chosen || chosen === sel.winner) return tune?.winner?.why;
  sel.runnerUp = sel.winner;
  sel.winner = chosen;
  return `chosen by bench tune: ${tune?.winner?.why ?? ""}`;
}
