import type { ServerResponse } from "node:http";
import type { OutputDelta, SampledToken } from "../text/output-plan.ts";
import type { EngineFinishReason, EngineRequest } from "../engine/request.ts";
import type { SimContext } from "./context.ts";
import { ENGINE_DEAD_MESSAGE } from "./context.ts";
import { startGeneration } from "./generation.ts";
import { chatFinishReason, prepareChat, usageOf, type ChatJob } from "./chat-job.ts";
import { ChatRequestSchema } from "./schemas.ts";
import { errorBody, parseBody, sendJson, SYSTEM_FINGERPRINT, vllmError } from "./http-io.ts";
import { SseWriter } from "./sse.ts";
import type { RequestMeta } from "./app.ts";

/** POST /v1/chat/completions, streaming (SSE, optional usage chunk) or not. */
export function handleChat(ctx: SimContext, res: ServerResponse, body: string, arrival: RequestMeta): void {
  const chat = parseBody(ChatRequestSchema, body);
  const job = prepareChat(ctx, chat, arrival);
  const includeUsage = Boolean(chat.stream_options?.include_usage) || ctx.config.args.enable_force_include_usage;
  const continuous = Boolean(chat.stream_options?.continuous_usage_stats);
  if (chat.stream) streamChat(ctx, res, job, includeUsage, continuous);
  else respondChat(ctx, res, job);
}

/** An OpenAI delta from the pieces one token produced (undefined when it shows nothing, e.g. EOS). */
export function openAiDelta(deltas: readonly OutputDelta[]): Record<string, unknown> | undefined {
  const out: Record<string, unknown> = {};
  const toolCalls: Array<Record<string, unknown>> = [];
  for (const d of deltas) {
    if (d.channel === "tool") {
      if (d.toolCall) toolCalls.push({ index: 0, id: d.toolCall.id, type: "function", function: { name: d.toolCall.name, arguments: "" } });
      else if (toolCalls.length > 0) (toolCalls.at(-1)!.function as { arguments: string }).arguments += d.text;
      else toolCalls.push({ index: 0, function: { arguments: d.text } });
    } else {
      out[d.channel] = ((out[d.channel] as string | undefined) ?? "") + d.text;
    }
  }
  if (toolCalls.length > 0) out.tool_calls = toolCalls;
  return Object.keys(out).length > 0 ? out : undefined;
}

function streamChat(ctx: SimContext, res: ServerResponse, job: ChatJob, includeUsage: boolean, continuous: boolean): void {
  const sse = new SseWriter(res, job.input.arrival.at);
  const head = { id: job.id, object: "chat.completion.chunk", created: job.created, model: job.model };
  let finishSent = false;
  const usage = () => usageOf(ctx, req.promptLength, req.plan.outputTokens, req.numCachedTokens);
  let first = true;
  const chunk = (delta: Record<string, unknown>, finish: string | null, stopReason?: string | null) => {
    sse.data({
      ...head,
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finish, ...(finish ? { stop_reason: stopReason ?? null } : {}), ...(first ? {} : { token_ids: null }) }],
      ...(first ? { prompt_token_ids: null, prompt_text: null } : {}),
      ...(continuous ? { usage: usage() } : {}),
    });
    first = false;
  };
  const req: EngineRequest = startGeneration(ctx, job.input, {
    onToken(token: SampledToken, at: number) {
      sse.at(at);
      if (req.plan.outputTokens === 1) chunk({ role: "assistant", content: "" }, null);
      const delta = openAiDelta(token.deltas);
      const reason = req.plan.finishReason;
      if (!delta && !reason) return;
      finishSent = reason !== null;
      chunk(delta ?? {}, reason ? chatFinishReason(reason, job.tool) : null, req.plan.stopReason);
    },
    onFinish(reason: EngineFinishReason, at: number) {
      sse.at(at);
      if (reason === "abort") return void res.end();
      if (reason === "error") {
        sse.data(errorBody(500, ENGINE_DEAD_MESSAGE, "InternalServerError"));
        return sse.done();
      }
      if (!finishSent) chunk({}, chatFinishReason(reason, job.tool), req.plan.stopReason);
      if (includeUsage) sse.data({ ...head, choices: [], usage: usage(), system_fingerprint: SYSTEM_FINGERPRINT });
      sse.done();
    },
  });
  sse.open();
  res.on("close", () => ctx.engine.abort(req));
}

function respondChat(ctx: SimContext, res: ServerResponse, job: ChatJob): void {
  let content = "";
  let reasoning = "";
  const calls: Array<{ id: string; type: "function"; function: { name: string; arguments: string } }> = [];
  const req: EngineRequest = startGeneration(ctx, job.input, {
    onToken(token) {
      for (const d of token.deltas) {
        if (d.channel === "content") content += d.text;
        else if (d.channel === "reasoning") reasoning += d.text;
        else if (d.toolCall) calls.push({ id: d.toolCall.id, type: "function", function: { name: d.toolCall.name, arguments: "" } });
        else if (calls.length > 0) calls[calls.length - 1].function.arguments += d.text;
      }
    },
    onFinish(reason) {
      if (reason === "abort") return;
      if (reason === "error") return sendJson(res, 500, vllmError(500, ENGINE_DEAD_MESSAGE).body);
      const message = { role: "assistant", content: content || (calls.length > 0 ? null : ""), refusal: null, annotations: null, audio: null, function_call: null, ...(calls.length > 0 ? { tool_calls: calls } : {}), reasoning: reasoning || null };
      const usage = usageOf(ctx, req.promptLength, req.plan.outputTokens, req.numCachedTokens, true);
      sendJson(res, 200, {
        id: job.id,
        object: "chat.completion",
        created: job.created,
        model: job.model,
        choices: [{ index: 0, message, logprobs: null, finish_reason: chatFinishReason(reason, job.tool), stop_reason: req.plan.stopReason, token_ids: null, routed_experts: null }],
        service_tier: null,
        system_fingerprint: SYSTEM_FINGERPRINT,
        usage,
        prompt_logprobs: null,
        prompt_token_ids: null,
        prompt_text: null,
        kv_transfer_params: null,
        ec_transfer_params: null,
        metrics: null,
      });
    },
  });
  res.on("close", () => ctx.engine.abort(req));
}
