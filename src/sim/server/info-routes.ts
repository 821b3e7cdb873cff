import type { ServerResponse } from "node:http";
import { detokenize, tokenize } from "../text/tokenizer.ts";
import { renderChat, type ChatMessage } from "../text/chat-template.ts";
import { VLLM_VERSION } from "../startup/sequence.ts";
import type { SimContext } from "./context.ts";
import { DetokenizeRequestSchema, TokenizeChatSchema, TokenizePromptSchema } from "./schemas.ts";
import { parseBody, sendJson } from "./http-io.ts";
import type { RequestMeta } from "./app.ts";
import { SIM_KV_MAX_METRIC, SIM_QUEUE_MAX_METRIC } from "../../util/sim-clock-protocol.ts";

/** GET /health: 200 with an empty body, 503 once the engine died. */
export function handleHealth(ctx: SimContext, res: ServerResponse): void {
  res.writeHead(ctx.engine.isDead ? 503 : 200, { "content-length": 0 });
  res.end();
}

/** GET /version; `sim` reveals the simulator and its time scale (clients must multiply wall times by it). */
export function handleVersion(ctx: SimContext, res: ServerResponse): void {
  sendJson(res, 200, { version: VLLM_VERSION, sim: { time_scale: ctx.config.timeScale, hardware: ctx.config.profile.name } });
}

export function handleModels(ctx: SimContext, res: ServerResponse): void {
  const created = ctx.createdNow();
  const data = ctx.config.servedModelNames.map((name) => ({
    id: name,
    object: "model",
    created,
    owned_by: "vllm",
    root: ctx.config.modelTag,
    parent: null,
    max_model_len: ctx.maxModelLen,
    permission: [
      {
        id: ctx.newId("modelperm-"),
        object: "model_permission",
        created,
        allow_create_engine: false,
        allow_sampling: true,
        allow_logprobs: true,
        allow_search_indices: false,
        allow_view: true,
        allow_fine_tuning: false,
        organization: "*",
        group: null,
        is_blocking: false,
      },
    ],
  }));
  sendJson(res, 200, { object: "list", data });
}

/** POST /tokenize: `prompt` (with the special prefix unless add_special_tokens=false) or chat `messages`. */
export function handleTokenize(ctx: SimContext, res: ServerResponse, body: string): void {
  let text: string;
  if (/"messages"\s*:/.test(body)) {
    const chat = parseBody(TokenizeChatSchema, body);
    ctx.resolveModel(chat.model);
    const enableThinking = chat.chat_template_kwargs?.enable_thinking !== false;
    text = renderChat(chat.messages as ChatMessage[], { tools: chat.tools ?? undefined, addGenerationPrompt: chat.add_generation_prompt, enableThinking });
  } else {
    const request = parseBody(TokenizePromptSchema, body);
    ctx.resolveModel(request.model);
    text = request.add_special_tokens ? `[gMASK]<sop>${request.prompt}` : request.prompt;
  }
  const tokens = tokenize(text);
  sendJson(res, 200, { count: tokens.length, max_model_len: ctx.maxModelLen, tokens, token_strs: null });
}

export function handleDetokenize(ctx: SimContext, res: ServerResponse, body: string): void {
  const request = parseBody(DetokenizeRequestSchema, body);
  ctx.resolveModel(request.model);
  sendJson(res, 200, { prompt: detokenize(request.tokens) });
}

export function handleMetrics(ctx: SimContext, res: ServerResponse, _body: string, meta: RequestMeta): void {
  const text = ctx.metrics.registry.render() + (meta.watermark ? watermarkLines(ctx, meta.watermark) : "");
  res.writeHead(200, { "content-type": "text/plain; version=0.0.4; charset=utf-8", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

/** The gauge maxima since this reader's previous scrape (simulator only: see src/util/sim-clock-protocol.ts). */
function watermarkLines(ctx: SimContext, reader: string): string {
  const e = ctx.engine;
  const max = e.watermarks.take(reader, e.scheduler.waiting.length, e.kv.usage());
  return `${SIM_QUEUE_MAX_METRIC} ${max.waiting}\n${SIM_KV_MAX_METRIC} ${max.kvUsage}\n`;
}

/** POST /reset_prefix_cache (only registered with VLLM_SERVER_DEV_MODE=1). */
export function handleResetPrefixCache(ctx: SimContext, res: ServerResponse): void {
  if (!ctx.engine.resetPrefixCache()) ctx.log.warning("block_pool.py:421", "Failed to reset prefix cache because some blocks are not freed yet");
  else ctx.log.info("api_server.py:1065", "Resetting prefix cache with specified None...");
  res.writeHead(200, { "content-length": 0 });
  res.end();
}
