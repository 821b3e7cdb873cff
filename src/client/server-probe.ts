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

export type Readiness = { ready: true } | { ready: false; reason: string };

/**
 * Whether a server answers requests: `/health` 200, or (servers without it, e.g. proxies) `/v1/models` 200.
 * Refused connections, 503 "Loading model" and any other status are "not yet".
 */
export async function readiness(baseUrl: string, apiKey?: string): Promise<Readiness> {
  const health = await fetchText(`${baseUrl}/health`, { apiKey, timeoutMs: 3000 });
  if (!health) return { ready: false, reason: "connection refused" };
  if (health.status === 200) return { ready: true };
  if (health.status === 404) {
    const models = await fetchText(`${baseUrl}/v1/models`, { apiKey, timeoutMs: 3000 });
    if (models?.status === 200) return { ready: true };
    return { ready: false, reason: models ? `/v1/models answered ${models.status}` : "connection refused" };
  }
  return { ready: false, reason: `/health answered ${health.status}` };
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
