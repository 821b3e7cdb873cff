import { Agent, type Dispatcher } from "undici";
import { ENGINE_KEEP_ALIVE, staleSocketRetry } from "./stale-socket-retry.ts";
import { DEFAULT_REQUEST_TIMEOUT_S } from "./types.ts";

/** One keep-alive connection pool for all benchmark traffic; sized for the largest concurrency level. */
export const benchAgent: Dispatcher = new Agent({
  connections: 1024,
  ...ENGINE_KEEP_ALIVE,
  headersTimeout: DEFAULT_REQUEST_TIMEOUT_S * 1000,
  bodyTimeout: DEFAULT_REQUEST_TIMEOUT_S * 1000,
}).compose(staleSocketRetry);

/** Per-request timeouts for undici from a target's `requestTimeoutMs` (the agent's default when absent). */
export function timeouts(timeoutMs: number | undefined): { headersTimeout?: number; bodyTimeout?: number } {
  return timeoutMs ? { headersTimeout: timeoutMs, bodyTimeout: timeoutMs } : {};
}

export function authHeaders(apiKey: string | undefined): Record<string, string> {
  return apiKey ? { authorization: `Bearer ${apiKey}` } : {};
}
