import { ProxyError } from "./errors.ts";
import type { UpstreamResponse } from "./upstream.ts";

interface EngineErrorBody {
  message?: string;
  type?: string;
  error?: { message?: string; type?: string } | string;
}

/** Reads an engine's non-2xx answer (vLLM, llama-server shapes) into the Anthropic status the client should see. */
export async function upstreamError(res: UpstreamResponse): Promise<ProxyError> {
  const text = await res.body.text().catch(() => "");
  return mapEngineError(res.statusCode, text);
}

export function mapEngineError(status: number, text: string): ProxyError {
  const { message, type } = engineMessage(text);
  const detail = message || `HTTP ${status}`;
  if (status === 400 && isContextOverflow(type, detail)) return new ProxyError(400, `prompt is too long: ${detail}`);
  if (status === 401 || status === 403) {
    return new ProxyError(502, `the engine refused the proxy's credentials (${status}); check --upstream-key-env`);
  }
  if (status === 404 || status === 413 || status === 429) return new ProxyError(status, detail);
  if (status === 503) return new ProxyError(529, `the engine is not ready: ${detail}`);
  if (status >= 500) return new ProxyError(502, `the engine failed (${status}): ${detail}`);
  return new ProxyError(400, detail);
}

/** Message of an in-stream `data: {"error": ...}` chunk. */
export function streamErrorMessage(error: unknown): string {
  if (typeof error === "string") return error;
  const message = (error as { message?: unknown })?.message;
  return typeof message === "string" ? message : JSON.stringify(error);
}

function engineMessage(text: string): { message: string; type: string } {
  try {
    const body = JSON.parse(text) as EngineErrorBody;
    const inner = typeof body.error === "object" ? body.error : undefined;
    const message = inner?.message ?? (typeof body.error === "string" ? body.error : body.message);
    return { message: message ?? text.slice(0, 500), type: inner?.type ?? body.type ?? "" };
  } catch {
    return { message: text.slice(0, 500), type: "" };
  }
}

function isContextOverflow(type: string, message: string): boolean {
  return type === "exceed_context_size_error" || /maximum context length|context length|exceeds? the (available )?context/i.test(message);
}
