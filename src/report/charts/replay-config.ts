import type { LoadedRun, RunRow } from "../load-run.ts";
import { configLabel, serverValues } from "../scenario.ts";

/** Replay rows' configuration label: the server parameters, plus the path when the run used several. */
export function replayConfig(run: LoadedRun): (row: RunRow) => string {
  const paths = new Set(run.rows.filter((r) => r.suite === "replay").map((r) => String(r.values.path ?? "")));
  return (row) => {
    const label = configLabel(serverValues(row, run.serverParams));
    return paths.size > 1 ? `${label === "(base)" ? "" : `${label} `}path=${row.values.path}` : label;
  };
}
