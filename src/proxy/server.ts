import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { makeAuthCheck } from "./auth.ts";
import type { ProxyContext } from "./context.ts";
import { asProxyError, ProxyError } from "./errors.ts";
import { handleCountTokens } from "./handlers/count-tokens.ts";
import { handleMessages } from "./handlers/messages.ts";
import { handleModel, handleModels } from "./handlers/models.ts";
import { sendError, sendJson } from "./respond.ts";

/** The proxy's HTTP front: health routes are open, everything under /v1 needs the key when one is set. */
export function createProxyServer(ctx: ProxyContext): Server {
  const authorized = makeAuthCheck(ctx.options.apiKey);
  const log = ctx.options.log;
  return createServer({ noDelay: true, keepAliveTimeout: 65_000 }, (req, res) => {
    const started = log ? performance.now() : 0;
    if (log) res.on("close", () => log(`${req.method} ${pathOf(req)} ${res.statusCode} ${Math.round(performance.now() - started)}ms`));
    route(req, res, ctx, authorized).catch((err) => {
      if (!res.destroyed) sendError(res, asProxyError(err));
    });
  });
}

async function route(
  req: IncomingMessage,
  res: ServerResponse,
  ctx: ProxyContext,
  authorized: (req: IncomingMessage) => boolean,
): Promise<void> {
  const path = pathOf(req);
  const method = req.method ?? "GET";
  if ((path === "/" || path === "/health") && (method === "GET" || method === "HEAD")) {
    return sendJson(res, 200, { status: "ok" });
  }
  if (!path.startsWith("/v1/")) throw new ProxyError(404, `no route ${method} ${path}`);
  if (!authorized(req)) throw new ProxyError(401, "invalid or missing API key (x-api-key or Authorization: Bearer)");
  if (method === "POST" && path === "/v1/messages") return handleMessages(req, res, ctx);
  if (method === "POST" && path === "/v1/messages/count_tokens") return handleCountTokens(req, res, ctx);
  if (method === "GET" && path === "/v1/models") return handleModels(res, ctx);
  if (method === "GET" && path.startsWith("/v1/models/")) return handleModel(res, ctx, decodeURIComponent(path.slice(11)));
  throw new ProxyError(404, `no route ${method} ${path}`);
}

/** The path without the query (`?beta=true` is accepted and ignored). */
function pathOf(req: IncomingMessage): string {
  const url = req.url ?? "/";
  const q = url.indexOf("?");
  return q < 0 ? url : url.slice(0, q);
}
