import { fetchText } from "./server-probe.ts";

/**
 * The context window one request can use, as the engine reports it: vLLM's `max_model_len` in /v1/models,
 * llama-server's per-slot `n_ctx` in /props. Undefined when the server reports neither (a proxy, LiteLLM).
 */
export async function contextWindow(target: { baseUrl: string; directUrl?: string; apiKey?: string }): Promise<number | undefined> {
  const url = target.directUrl ?? target.baseUrl;
  const models = await fetchText(`${url}/v1/models`, { apiKey: target.apiKey });
  const fromModels = parse<{ data?: Array<{ max_model_len?: number }> }>(models?.body)?.data?.find((m) => m.max_model_len)?.max_model_len;
  if (fromModels) return fromModels;
  const props = await fetchText(`${url}/props`, { apiKey: target.apiKey });
  const p = parse<{ n_ctx?: number; default_generation_settings?: { n_ctx?: number } }>(props?.status === 200 ? props.body : undefined);
  return p?.default_generation_settings?.n_ctx ?? p?.n_ctx;
}

function parse<T>(text: string | undefined): T | undefined {
  if (!text) return undefined;
  try {
    return JSON.parse(text) as T;
  } catch {
    return undefined;
  }
}
