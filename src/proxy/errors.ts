/** Anthropic error envelope: `{"type":"error","error":{"type":T,"message":M}}`, with the status codes the API uses. */
export const errorTypeByStatus: Record<number, string> = {
  400: "invalid_request_error",
  401: "authentication_error",
  403: "permission_error",
  404: "not_found_error",
  413: "request_too_large",
  429: "rate_limit_error",
  500: "api_error",
  502: "api_error",
  504: "api_error",
  529: "overloaded_error",
};

/** An error that reaches the client as an Anthropic envelope (HTTP status before streaming, `event: error` after). */
export class ProxyError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = "ProxyError";
  }

  get type(): string {
    return errorTypeByStatus[this.status] ?? "api_error";
  }
}

export function errorEnvelope(type: string, message: string): string {
  return JSON.stringify({ type: "error", error: { type, message } });
}

/** The `event: error` frame sent when a failure happens after the 200 and message_start went out. */
export function errorEvent(type: string, message: string): string {
  return `event: error\ndata: ${errorEnvelope(type, message)}\n\n`;
}

/** Any thrown value as a ProxyError; unexpected ones become 500 without a stack trace. */
export function asProxyError(err: unknown): ProxyError {
  if (err instanceof ProxyError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new ProxyError(500, `internal proxy error: ${message}`);
}
