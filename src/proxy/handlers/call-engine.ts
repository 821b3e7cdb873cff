import type { ServerResponse } from "node:http";
import type { ProxyContext } from "../context.ts";
import type { UpstreamResponse } from "../upstream.ts";

/** POST the chat request; undefined when the client already left. */
export async function callEngine(ctx: ProxyContext, body: string, signal: AbortSignal): Promise<UpstreamResponse | undefined> {
  try {
    return await ctx.upstream.post("/v1/chat/completions", body, signal);
  } catch (err) {
    if (signal.aborted) return undefined;
    throw err;
  }
}

/** Aborts the engine request when the client goes away before its answer is complete. */
export function abortOnDisconnect(res: ServerResponse): AbortController {
  const abort = new AbortController();
  res.on("close", () => {
    if (!res.writableFinished) abort.abort();
  });
  return abort;
}
