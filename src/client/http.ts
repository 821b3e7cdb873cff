import { Agent, type Dispatcher } from "undici";
import { ENGINE_KEEP_ALIVE, staleSocketRetry } from "./stale-socket-retry.ts";

/** One keep-alive connection pool for all benchmark traffic; sized for the largest concurrency level. */
export const benchAgent: Dispatcher = new Agent({
  connections: 1024,
  ...ENGINE_KEEP_ALIVE,
  headersTimeout: 0,
  bodyTimeout: 0,
}).compose(staleSocketRetry);

export function authHeaders(apiKey: string | undefined): Record<string, string> {
  return apiKey ? { authorization: `Bearer ${apiKey}` } : {};
}
