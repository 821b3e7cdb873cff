import { join } from "node:path";
import { readCsv } from "../../results/csv.ts";
import { replayConfig } from "./replay-config.ts";
import { SCHEMA, skipped, type Chart, type ChartInput } from "./types.ts";

const ID = "session-timeline";
const TITLE = "Replay: per-session timeline (requests as bars, cached part of the prompt shaded)";
/** More configurations than this would make the chart unreadable; the rest are listed in the note. */
const MAX_CONFIGS = 6;

/**
 * Every request of the first repetition of each configuration's replay, from requests.csv: a bar from send to
 * last token per session, its darker part proportional to the share of its prompt the server read from cache.
 */
export function sessionTimelineChart({ run }: ChartInput): Chart {
  const requests = readCsv(join(run.dir, "requests.csv")).filter((r) => r.suite === "replay" && r.scenario === "session" && r.repetition === "0" && r.session);
  if (!requests.length) return skipped(ID, TITLE, "no replay requests in requests.csv");
  const label = replayConfig(run);
  const byPoint = new Map(run.rows.filter((r) => r.suite === "replay").map((r) => [r.pointId, label(r)]));
  const configs = [...new Set(requests.map((r) => byPoint.get(r.point_id) ?? r.point_id))].slice(0, MAX_CONFIGS);
  const t0 = new Map<string, number>();
  for (const r of requests) t0.set(r.point_id, Math.min(t0.get(r.point_id) ?? Infinity, Number(r.scheduled_ns || r.start_ns)));
  const values = requests.flatMap((r) => {
    const configuration = byPoint.get(r.point_id) ?? r.point_id;
    if (!configs.includes(configuration)) return [];
    const start = (Number(r.start_ns) - t0.get(r.point_id)!) / 1e9;
    const end = (Number(r.end_ns) - t0.get(r.point_id)!) / 1e9;
    const prompt = Number(r.prompt_tokens) || 0;
    const cached = Number(r.cached_tokens) || 0;
    const share = prompt ? cached / prompt : 0;
    return [{ configuration, session: r.session, turn: Number(r.turn), start_s: start, end_s: end, cached_end_s: start + (end - start) * share, prompt_tokens: prompt, cached_tokens: cached, ok: r.ok }];
  });
  return {
    id: ID, title: TITLE,
    spec: {
      $schema: SCHEMA, title: TITLE, data: { values },
      facet: { row: { field: "configuration", type: "nominal", title: null } },
      spec: {
        width: 640,
        height: { step: 14 },
        encoding: { y: { field: "session", type: "nominal", title: "session", axis: { labelLimit: 320 } } },
        layer: [
          { mark: { type: "bar", color: "#c6dbef", stroke: "white", strokeWidth: 1.5, tooltip: true }, encoding: { x: { field: "start_s", type: "quantitative", title: "seconds since the replay started" }, x2: { field: "end_s" } } },
          { mark: { type: "bar", color: "#2171b5", stroke: "white", strokeWidth: 1.5, tooltip: true }, encoding: { x: { field: "start_s", type: "quantitative" }, x2: { field: "cached_end_s" } } },
        ],
      },
    },
  };
}
