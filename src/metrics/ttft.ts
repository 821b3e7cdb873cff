import type { RequestRecord } from "../client/types.ts";

/** Time to first token per successful request, in ms: first content chunk minus request start. */
export function ttftMs(records: readonly RequestRecord[]): number[] {
  const out: number[] = [];
  for (const r of records) if (r.ok && r.firstTokenNs !== undefined) out.push((r.firstTokenNs - r.startNs) / 1e6);
  return out;
}
