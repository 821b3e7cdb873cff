import type { RequestRecord } from "../client/types.ts";
import type { Metric } from "./metric.ts";

/** Prompt tokens the server read from its prefix cache over all prompt tokens, from the server's usage; undefined without usage. */
export function hitRatio(records: readonly RequestRecord[]): number | undefined {
  let cached = 0;
  let prompt = 0;
  for (const r of records) {
    if (!r.ok || r.promptTokens === undefined || r.cachedTokens === undefined) continue;
    cached += r.cachedTokens;
    prompt += r.promptTokens;
  }
  return prompt ? cached / prompt : undefined;
}

/** The share an unbounded prefix cache could have served (each request's longest prefix seen before), over the same requests. */
export function idealHitRatio(records: readonly RequestRecord[]): number | undefined {
  let ideal = 0;
  let prompt = 0;
  for (const r of records) {
    if (!r.ok || r.idealCachedTokens === undefined || !r.plannedPromptTokens) continue;
    ideal += r.idealCachedTokens;
    prompt += r.plannedPromptTokens;
  }
  return prompt ? ideal / prompt : undefined;
}

/** hit_ratio (the server's usage) and ideal_hit_ratio (replays: what an unbounded prefix cache could serve). */
export const hitRatioMetric: Metric = {
  columns: ["hit_ratio", "ideal_hit_ratio"],
  measure: (rep) => ({ hit_ratio: hitRatio(rep.records), ideal_hit_ratio: idealHitRatio(rep.records) }),
};
