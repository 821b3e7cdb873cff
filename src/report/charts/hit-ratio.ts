import { metricOf } from "../load-run.ts";
import { replayConfig } from "./replay-config.ts";
import { groupedBarsSpec } from "./grouped-bars.ts";
import { skipped, type Chart, type ChartInput } from "./types.ts";

const ID = "hit-ratio";
const TITLE = "Replay: prefix-cache hit ratio, ideal vs achieved, per configuration";

/**
 * The replay's session rows: the share of prompt tokens an unbounded prefix cache could have served (ideal)
 * beside the share the server reported from its cache (achieved: usage, else its /metrics counters).
 */
export function hitRatioChart({ run }: ChartInput): Chart {
  const label = replayConfig(run);
  const values = run.rows
    .filter((r) => r.status === "ok" && r.suite === "replay" && r.scenario === "session")
    .flatMap((r) => {
      const achieved = metricOf(r, "hit_ratio") ?? metricOf(r, "server_prefix_hit_ratio");
      const ideal = metricOf(r, "ideal_hit_ratio");
      return [
        ...(ideal === undefined ? [] : [{ configuration: label(r), kind: "ideal", hit_ratio: ideal }]),
        ...(achieved === undefined ? [] : [{ configuration: label(r), kind: "achieved", hit_ratio: achieved }]),
      ];
    });
  if (!values.length) return skipped(ID, TITLE, "no replay session rows with hit ratios");
  return {
    id: ID, title: TITLE,
    spec: groupedBarsSpec(
      TITLE, values, { field: "kind", order: ["ideal", "achieved"], colors: ["#9ecae1", "#08519c"] },
      { field: "hit_ratio", title: "prompt tokens served from cache", axis: { format: "%" }, scale: { domain: [0, 1] } },
    ),
  };
}
