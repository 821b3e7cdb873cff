import type { ServerResponse } from "node:http";
import type { EngineFinishReason, EngineRequest } from "../engine/request.ts";
import { tokenize } from "../text/tokenizer.ts";
import type { SimContext } from "./context.ts";
import { ENGINE_DEAD_MESSAGE } from "./context.ts";
import { startGeneration, stopList } from "./generation.ts";
import { usageOf } from "./chat-job.ts";
import { CompletionRequestSchema, type CompletionRequest } from "./schemas.ts";
import { errorBody, parseBody, sendJson, vllmError } from "./http-io.ts";
import { SseWriter } from "./sse.ts";
import type { RequestMeta } from "./app.ts";

/** Token ids of a completion prompt: text gets the tokenizer's special prefix (add_special_tokens=True). */
export function completionPromptIds(prompt: CompletionRequest["prompt"]): number[] {
  if (typeof prompt === "string") return tokenize(`[gMASK]<sop>${prompt}`);
  if (prompt.length !== 1 && (prompt.length === 0 || typeof prompt[0] !== "number")) {
    throw vllmError(400, "The simulator serves one prompt per request (batched prompts are not supported).");
  }
  const only = prompt[0];
  if (typeof only === "number") return prompt as number[];
  return typeof only === "string" ? tokenize(`[gMASK]<sop>${only}`) : only;
}

/** POST /v1/completions. */
export function handleCompletion(ctx: SimContext, res: ServerResponse, body: string, arrival: RequestMeta): void {
  const request = parseBody(CompletionRequestSchema, body);
  const model = ctx.resolveModel(request.model);
  if (request.n !== 1) throw vllmError(400, "The simulator serves n=1 only.");
  const id = ctx.newId("cmpl-");
  const created = ctx.createdNow();
  const head = { id, object: "text_completion", created, model };
  const input = {
    id,
    arrival,
    promptIds: completionPromptIds(request.prompt),
    maxTokens: request.max_tokens,
    minTokens: request.min_tokens,
    ignoreEos: request.ignore_eos,
    stop: stopList(request.stop),
    rng: ctx.requestRng(request.seed),
    reasoning: false,
    inputKind: "prompt" as const,
  };
  const includeUsage = Boolean(request.stream_options?.include_usage) || ctx.config.args.enable_force_include_usage;
  let text = "";
  let finishSent = false;
  const sse = request.stream ? new SseWriter(res, arrival.at) : undefined;
  const usage = () => usageOf(ctx, req.promptLength, req.plan.outputTokens, req.numCachedTokens);
  const choice = (t: string, finish: EngineFinishReason | null) => ({ index: 0, text: t, logprobs: null, finish_reason: finish, stop_reason: finish ? req.plan.stopReason : null });
  const req: EngineRequest = startGeneration(ctx, input, {
    onToken(token, at) {
      sse?.at(at);
      const piece = token.deltas.map((d) => d.text).join("");
      text += piece;
      const reason = req.plan.finishReason;
      if (!sse || (!piece && !reason)) return;
      finishSent = reason !== null;
      sse.data({ ...head, choices: [choice(piece, reason)] });
    },
    onFinish(reason, at) {
      sse?.at(at);
      if (reason === "abort") return void res.end();
      if (reason === "error") {
        if (!sse) return sendJson(res, 500, vllmError(500, ENGINE_DEAD_MESSAGE).body);
        sse.data(errorBody(500, ENGINE_DEAD_MESSAGE, "InternalServerError"));
        return sse.done();
      }
      if (!sse) {
        const body = { ...head, choices: [{ ...choice(text, reason), prompt_logprobs: null }], service_tier: null, system_fingerprint: null, usage: usageOf(ctx, req.promptLength, req.plan.outputTokens, req.numCachedTokens, true), kv_transfer_params: null };
        return sendJson(res, 200, body);
      }
      if (!finishSent) sse.data({ ...head, choices: [choice("", reason)] });
      if (includeUsage) sse.data({ ...head, choices: [], usage: usage() });
      sse.done();
    },
  });
  sse?.open();
  res.on("close", () => ctx.engine.abort(req));
}
