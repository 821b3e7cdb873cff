import { request } from "undici";
import { authHeaders, benchAgent } from "./http.ts";

export interface HttpAnswer {
  status: number;
  body: string;
}

/** One GET or POST; undefined when the connection failed (refused, reset, timed out). */
export async function fetchText(
  url: string, opts: { method?: "GET" | "POST"; body?: unknown; apiKey?: string; timeoutMs?: number } = {},
): Promise<HttpAnswer | undefined> {
  try {
    const res = await request(url, {
      method: opts.method ?? "GET",
      dispatcher: benchAgent,
      headers: { "content-type": "application/json", ...authHeaders(opts.apiKey) },
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
      headersTimeout: opts.timeoutMs ?? 5000,
      bodyTimeout: opts.timeoutMs ?? 5000,
    });
    return { status: res.statusCode, body: await res.body.text() };
  } catch {
    return undefined;
  }
}

/** ready; not yet (refused, loading); or rejected: an answer that waiting will not change (401, 404, 500, ...). */
export type Readiness = { ready: true } | { ready: false; reason: string; rejected?: boolean };

/** The status engines answer while loading their model (llama.cpp; vLLM refuses connections instead). */
const LOADING = 503;

/**
 * Whether a server answers requests: `/health` 200, or (servers without it, e.g. proxies) `/v1/models` 200.
 * Refused connections and 503 "Loading model" are "not yet"; any other status is rejected at once.
 */
export async function readiness(baseUrl: string, apiKey?: string): Promise<Readiness> {
  const health = await fetchText(`${baseUrl}/health`, { apiKey, timeoutMs: 3000 });
  if (!health) return { ready: false, reason: "connection refused" };
  if (health.status === 200) return { ready: true };
  const answer = health.status === 404 ? await fetchText(`${baseUrl}/v1/models`, { apiKey, timeoutMs: 3000 }) : health;
  const path = health.status === 404 ? "/v1/models" : "/health";
  if (!answer) return { ready: false, reason: "connection refused" };
  if (answer.status === 200) return { ready: true };
  const reason = `${path} answered ${answer.status}${answer.body.trim() ? `: ${answer.body.trim().replace(/\s+/g, " ").slice(0, 200)}` : ""}`;
  return { ready: false, reason, rejected: answer.status !== LOADING };
}

/** The first model id of a `/v1/models` answer (OpenAI or Anthropic shape), or undefined. */
export function modelOf(res: HttpAnswer): string | undefined {
  if (res.status !== 200) return undefined;
  try {
    const json = JSON.parse(res.body) as { data?: Array<{ id?: string }>; models?: Array<{ name?: string; model?: string }> };
    return json.data?.[0]?.id ?? json.models?.[0]?.model ?? json.models?.[0]?.name;
  } catch {
    return undefined;
  }
}
