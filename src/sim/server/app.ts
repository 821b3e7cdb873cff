import type { IncomingMessage, ServerResponse } from "node:http";
import type { SimContext } from "./context.ts";
import { injectFault } from "./faults.ts";
import { HttpError, readBody, sendJson, vllmError } from "./http-io.ts";
import { handleChat } from "./openai-chat.ts";
import { handleCompletion } from "./openai-completions.ts";
import { anthropicError, handleCountTokens, handleMessages } from "./anthropic-messages.ts";
import { handleDetokenize, handleHealth, handleMetrics, handleModels, handleResetPrefixCache, handleTokenize, handleVersion } from "./info-routes.ts";
import { handleSimInfo, handleSimLanes } from "./sim-clock-routes.ts";
import { SIM_AT_HEADER, SIM_INFO_PATH, SIM_LANE_HEADER, SIM_LANES_PATH, SIM_WATERMARK_HEADER } from "../../util/sim-clock-protocol.ts";

/** When (simulated seconds) and from which lane a request arrived, and who scrapes; see src/util/sim-clock-protocol.ts. */
export interface RequestMeta {
  readonly at: number;
  readonly lane?: string;
  readonly watermark?: string;
}

type Handler = (ctx: SimContext, res: ServerResponse, body: string, arrival: RequestMeta) => void;

interface Route {
  readonly method: "GET" | "POST";
  readonly handler: Handler;
  readonly anthropic?: boolean;
  /** Generation routes, where `--sim-fault` strikes. */
  readonly generates?: boolean;
}

function routes(ctx: SimContext): Map<string, Route> {
  const table = new Map<string, Route>([
    ["/health", { method: "GET", handler: handleHealth }],
    ["/version", { method: "GET", handler: handleVersion }],
    ["/metrics", { method: "GET", handler: handleMetrics }],
    ["/v1/models", { method: "GET", handler: handleModels }],
    ["/tokenize", { method: "POST", handler: handleTokenize }],
    ["/detokenize", { method: "POST", handler: handleDetokenize }],
    ["/v1/chat/completions", { method: "POST", handler: handleChat, generates: true }],
    ["/v1/completions", { method: "POST", handler: handleCompletion, generates: true }],
    ["/v1/messages", { method: "POST", handler: handleMessages, anthropic: true, generates: true }],
    ["/v1/messages/count_tokens", { method: "POST", handler: handleCountTokens, anthropic: true }],
    [SIM_LANES_PATH, { method: "POST", handler: handleSimLanes }],
    [SIM_INFO_PATH, { method: "GET", handler: handleSimInfo }],
  ]);
  if (ctx.config.env.VLLM_SERVER_DEV_MODE) table.set("/reset_prefix_cache", { method: "POST", handler: handleResetPrefixCache });
  return table;
}

const REASONS: Record<number, string> = { 200: "OK", 400: "Bad Request", 401: "Unauthorized", 404: "Not Found", 405: "Method Not Allowed", 500: "Internal Server Error", 503: "Service Unavailable" };

/** The HTTP front end: vLLM's routes, Bearer auth on /v1, uvicorn-style access log, `x-sim-time-scale` header. */
export function createRequestHandler(ctx: SimContext): (req: IncomingMessage, res: ServerResponse) => void {
  const table = routes(ctx);
  const accessLog = !ctx.config.args.disable_uvicorn_access_log && ["debug", "trace", "info"].includes(ctx.config.args.uvicorn_log_level);
  return (req, res) => {
    const meta = metaOf(ctx, req);
    const path = (req.url ?? "/").split("?")[0];
    res.setHeader("x-sim-time-scale", String(ctx.config.timeScale));
    if (accessLog) {
      res.on("finish", () => ctx.log.uvicorn(`${(req.socket.remoteAddress ?? "").replace(/^::ffff:/, "")}:${req.socket.remotePort} - "${req.method} ${req.url} HTTP/${req.httpVersion}" ${res.statusCode} ${REASONS[res.statusCode] ?? ""}`));
    }
    const route = table.get(path);
    if (!route) return sendJson(res, 404, { detail: "Not Found" });
    if (req.method !== route.method) return sendJson(res, 405, { detail: "Method Not Allowed" });
    if (ctx.config.apiKeys.length > 0 && path.startsWith("/v1") && !ctx.config.apiKeys.some((k) => req.headers.authorization === `Bearer ${k}`)) {
      return sendJson(res, 401, { error: "Unauthorized" });
    }
    readBody(req)
      .then((body) => (route.generates && injectFault(ctx, res) ? undefined : route.handler(ctx, res, body, meta)))
      .catch((err: unknown) => {
        let error = err instanceof HttpError ? err : vllmError(500, String((err as Error)?.message ?? err));
        if (!(err instanceof HttpError)) ctx.log.error("serving_engine.py:621", `Error in request ${path}: ${String((err as Error)?.stack ?? err)}`);
        if (route.anthropic) error = anthropicError(error);
        if (res.headersSent) return void res.end();
        sendJson(res, error.status, error.body);
      });
  };
}

/** The arrival the client named (engine.submit counts it late if the engine already ran past it), else now. */
function metaOf(ctx: SimContext, req: IncomingMessage): RequestMeta {
  const named = Number(req.headers[SIM_AT_HEADER]);
  const text = (name: string) => {
    const v = req.headers[name];
    return typeof v === "string" && v ? v : undefined;
  };
  return {
    at: Number.isFinite(named) && req.headers[SIM_AT_HEADER] !== undefined ? named / 1e9 : ctx.engine.virtualNow(),
    lane: text(SIM_LANE_HEADER),
    watermark: text(SIM_WATERMARK_HEADER),
  };
}
