import type { IncomingHttpHeaders } from "node:http";

/**
 * Claude Code's session id: the `X-Claude-Code-Session-Id` header, else the `session_id` inside
 * `metadata.user_id` (a JSON string in current releases, `user_..._session_<uuid>` in older ones).
 */
export function sessionIdOf(headers: IncomingHttpHeaders, body: unknown): string | undefined {
  const header = headers["x-claude-code-session-id"];
  const fromHeader = Array.isArray(header) ? header[0] : header;
  if (fromHeader) return fromHeader;
  const userId = (body as { metadata?: { user_id?: unknown } } | undefined)?.metadata?.user_id;
  if (typeof userId !== "string") return undefined;
  try {
    const parsed = JSON.parse(userId) as { session_id?: unknown };
    if (typeof parsed.session_id === "string" && parsed.session_id) return parsed.session_id;
  } catch {
    // the older plain-string form
  }
  return /session_([0-9A-Za-z-]+)/.exec(userId)?.[1];
}
