import type { ServerResponse } from "node:http";
import type { EngineFinishReason, EngineRequest } from "../engine/request.ts";
import { randomHex } from "../rng.ts";
import { renderChat, type ChatMessage } from "../text/chat-template.ts";
import { countTokens } from "../text/tokenizer.ts";
import type { SimContext } from "./context.ts";
import { ENGINE_DEAD_MESSAGE } from "./context.ts";
import { startGeneration } from "./generation.ts";
import { chatFinishReason, prepareChat } from "./chat-job.ts";
import { anthropicToChat } from "./anthropic-convert.ts";
import { AnthropicCountSchema, AnthropicRequestSchema } from "./schemas.ts";
import { HttpError, parseBody, sendJson } from "./http-io.ts";
import { SseWriter } from "./sse.ts";
import type { RequestMeta } from "./app.ts";

const STOP_REASON: Record<string, string> = { stop: "end_turn", length: "max_tokens", tool_calls: "tool_use" };

/** vLLM answers /v1/messages errors in Anthropic's envelope, keeping its own error type names. */
export function anthropicError(err: HttpError): HttpError {
  const body = err.body as { type?: string; message?: string };
  return new HttpError(err.status, { type: "error", error: { type: body.type ?? "BadRequestError", message: body.message ?? String(err.body) } });
}

/** POST /v1/messages: native Anthropic, as vLLM serves it (no ping events, max_tokens not clamped). */
export function handleMessages(ctx: SimContext, res: ServerResponse, body: string, arrival: RequestMeta): void {
  const request = parseBody(AnthropicRequestSchema, body);
  const job = prepareChat(ctx, anthropicToChat(request, Boolean(request.stream)), arrival);
  const blocks: Array<Record<string, unknown>> = [];
  const sse = request.stream ? new SseWriter(res, arrival.at) : undefined;
  let open: { type: string; index: number } | undefined;
  let index = 0;
  const usage = () => ({ input_tokens: req.promptLength, output_tokens: req.plan.outputTokens });
  const openBlock = (block: Record<string, unknown>) => {
    if (open?.type === block.type && block.type !== "tool_use") return;
    closeBlock();
    open = { type: String(block.type), index };
    sse?.event("content_block_start", { type: "content_block_start", index, content_block: block });
    blocks.push({ ...block });
  };
  const closeBlock = () => {
    if (!open) return;
    if (open.type === "thinking") {
      const signature = randomHex(ctx.requestRng(null), 32);
      blocks[blocks.length - 1].signature = signature;
      sse?.event("content_block_delta", { type: "content_block_delta", index: open.index, delta: { type: "signature_delta", signature } });
    }
    sse?.event("content_block_stop", { type: "content_block_stop", index: open.index });
    open = undefined;
    index++;
  };
  const append = (field: string, deltaType: string, key: string, text: string) => {
    const block = blocks[blocks.length - 1];
    block[field] = String(block[field] ?? "") + text;
    sse?.event("content_block_delta", { type: "content_block_delta", index: open!.index, delta: { type: deltaType, [key]: text } });
  };
  const req: EngineRequest = startGeneration(ctx, job.input, {
    onToken(token, at) {
      sse?.at(at);
      if (req.plan.outputTokens === 1) {
        sse?.event("message_start", { type: "message_start", message: { id: job.id, type: "message", role: "assistant", content: [], model: job.model, stop_reason: null, stop_sequence: null, usage: { input_tokens: req.promptLength, output_tokens: 0 } } });
      }
      for (const d of token.deltas) {
        if (d.channel === "reasoning") {
          openBlock({ type: "thinking", thinking: "" });
          append("thinking", "thinking_delta", "thinking", d.text);
        } else if (d.channel === "content") {
          openBlock({ type: "text", text: "" });
          append("text", "text_delta", "text", d.text);
        } else if (d.toolCall) {
          openBlock({ type: "tool_use", id: d.toolCall.id, name: d.toolCall.name, input: {} });
        } else if (open?.type === "tool_use") {
          append("partial_json", "input_json_delta", "partial_json", d.text);
        }
      }
    },
    onFinish(reason: EngineFinishReason, at: number) {
      sse?.at(at);
      if (reason === "abort") return void res.end();
      if (reason === "error") {
        const error = { type: "error", error: { type: "internal_error", message: ENGINE_DEAD_MESSAGE } };
        if (!sse) return sendJson(res, 500, error);
        sse.event("error", error);
        return sse.end();
      }
      closeBlock();
      const stopReason = STOP_REASON[chatFinishReason(reason, job.tool)];
      if (sse) {
        sse.event("message_delta", { type: "message_delta", delta: { stop_reason: stopReason }, usage: usage() });
        sse.event("message_stop", { type: "message_stop" });
        return sse.end();
      }
      const content = blocks.map(({ partial_json, ...block }) => (block.type === "tool_use" ? { ...block, input: JSON.parse(String(partial_json ?? "{}")) } : block));
      sendJson(res, 200, { id: job.id, type: "message", role: "assistant", content, model: job.model, stop_reason: stopReason, usage: usage() });
    },
  });
  sse?.open();
  res.on("close", () => ctx.engine.abort(req));
}

/** POST /v1/messages/count_tokens: the tokens of the rendered chat prompt. */
export function handleCountTokens(ctx: SimContext, res: ServerResponse, body: string): void {
  const request = parseBody(AnthropicCountSchema, body);
  const chat = anthropicToChat({ ...request, max_tokens: request.max_tokens ?? 1 }, false);
  ctx.resolveModel(chat.model);
  const enableThinking = chat.chat_template_kwargs?.enable_thinking !== false;
  const prompt = renderChat(chat.messages as ChatMessage[], { tools: chat.tools ?? undefined, addGenerationPrompt: true, enableThinking });
  const inputTokens = countTokens(prompt);
  sendJson(res, 200, { input_tokens: inputTokens, context_management: { original_input_tokens: inputTokens } });
}
