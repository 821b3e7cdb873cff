import type { RequestRecord } from "../client/types.ts";

/** Whether a request came back with at least one tool call whose name is known and whose arguments parse to an object. */
export function hasParsableToolCall(r: RequestRecord, names?: ReadonlySet<string>): boolean {
  for (const call of r.toolCalls ?? []) {
    if (names && !names.has(call.name)) continue;
    try {
      const args = JSON.parse(call.arguments || "{}") as unknown;
      if (args !== null && typeof args === "object" && !Array.isArray(args)) return true;
    } catch {
      // garbage arguments (a random model) are not a parsable call
    }
  }
  return false;
}

/** Share of requests (all of them, failures count as misses) that returned a parsable tool call. */
export function toolCallsOkRatio(records: readonly RequestRecord[], names?: ReadonlySet<string>): number | undefined {
  if (records.length === 0) return undefined;
  return records.filter((r) => r.ok && hasParsableToolCall(r, names)).length / records.length;
}
