import type { RequestRecord } from "../client/types.ts";
import type { FailureCause } from "../engines/types.ts";

export interface RequestsFailure {
  cause: FailureCause;
  detail: string;
}

/**
 * Whether a suite's requests say its point failed while the engine stayed up: any request that timed out
 * (the engine froze or is far too slow), or every request failed, classified by what the first failure was.
 * Some failed requests among good ones stay a measurement (the row's `errors` column counts them).
 */
export function requestsFailure(records: readonly RequestRecord[]): RequestsFailure | undefined {
  const timedOut = records.find((r) => r.errorKind === "timeout");
  if (timedOut) return { cause: "request_timeout", detail: timedOut.error ?? "request timeout" };
  const failed = records.filter((r) => !r.ok && r.errorKind !== "aborted");
  if (!records.length || failed.length < records.length) return undefined;
  const first = failed[0];
  const detail = `all ${records.length} requests failed; first: ${first.error ?? "unknown error"}`;
  return { cause: causeOf(first), detail };
}

function causeOf(r: RequestRecord): FailureCause {
  if (r.errorKind === "http") return (r.httpStatus ?? 0) >= 500 ? "server_error" : "request_error";
  if (r.errorKind === "stream_error") return "server_error";
  if (r.errorKind === "stream_broken") return "stream_broken";
  return "request_error";
}
