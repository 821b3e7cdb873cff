import { Agent } from "undici";

/** One keep-alive connection pool for all benchmark traffic; sized for the largest concurrency level. */
export const benchAgent = new Agent({
  connections: 1024,
  keepAliveTimeout: 30_000,
  headersTimeout: 0,
  bodyTimeout: 0,
});

export function authHeaders(apiKey: string | undefined): Record<string, string> {
  return apiKey ? { authorization: `Bearer ${apiKey}` } : {};
}
