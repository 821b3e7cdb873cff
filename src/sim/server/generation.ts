import { EngineRequest, type RequestSink } from "../engine/request.ts";
import { OutputPlan, type ToolCallPlan } from "../text/output-plan.ts";
import type { Rng } from "../rng.ts";
import type { SimContext } from "./context.ts";
import { vllmError } from "./http-io.ts";
import type { RequestMeta } from "./app.ts";

export interface GenerationInput {
  readonly id: string;
  /** Simulated time the HTTP request arrived (the API server's overhead counts from here), and its lane. */
  readonly arrival: RequestMeta;
  readonly promptIds: readonly number[];
  /** null: as many as the context allows (vLLM's default for chat). */
  readonly maxTokens: number | null | undefined;
  readonly minTokens: number;
  readonly ignoreEos: boolean;
  readonly stop: readonly string[];
  readonly rng: Rng;
  readonly reasoning: boolean;
  readonly toolCall?: ToolCallPlan;
  /** How vLLM names the input in its length errors. */
  readonly inputKind: "messages" | "prompt";
}

/** vLLM's length checks against max_model_len (400s), then hands the request to the engine. */
export function startGeneration(ctx: SimContext, input: GenerationInput, sink: RequestSink): EngineRequest {
  const n = ctx.maxModelLen;
  const promptLen = input.promptIds.length;
  if (promptLen >= n) {
    throw vllmError(400, `This model's maximum context length is ${n} tokens. However, you requested ${promptLen} tokens in the ${input.inputKind}, Please reduce the length of the ${input.inputKind}.`);
  }
  if (input.maxTokens !== null && input.maxTokens !== undefined) {
    if (input.maxTokens < 1) throw vllmError(400, `max_tokens must be at least 1, got ${input.maxTokens}.`);
    if (input.maxTokens > n) {
      throw vllmError(400, `max_tokens=${input.maxTokens} cannot be greater than max_model_len=${n}. Please request fewer output tokens. (parameter=max_tokens, value=${input.maxTokens})`, "max_tokens");
    }
    if (promptLen + input.maxTokens > n) {
      throw vllmError(
        400,
        `This model's maximum context length is ${n} tokens. However, you requested ${promptLen + input.maxTokens} tokens (${promptLen} in the ${input.inputKind}, ${input.maxTokens} in the completion). Please reduce the length of the ${input.inputKind} or completion.`,
      );
    }
  }
  ctx.admitRequest();
  if (ctx.config.args.enable_log_requests) {
    ctx.log.info("logger.py:49", `Received request ${input.id}: params: SamplingParams(n=1, max_tokens=${input.maxTokens ?? n - promptLen}, ignore_eos=${input.ignoreEos ? "True" : "False"}, stop=${JSON.stringify(input.stop)}), prompt_token_ids: [${input.promptIds.slice(0, 8).join(", ")}, ...], lora_request: None.`);
    ctx.log.info("async_llm.py:331", `Added request ${input.id}.`);
  }
  const plan = new OutputPlan({
    rng: input.rng,
    maxTokens: Math.min(input.maxTokens ?? n, n - promptLen),
    ignoreEos: input.ignoreEos,
    minTokens: input.minTokens,
    stop: input.stop,
    reasoning: input.reasoning,
    toolCall: input.toolCall,
  });
  const req = new EngineRequest(input.id, input.promptIds, plan, sink, input.arrival.at, input.arrival.lane);
  ctx.engine.submit(req, ctx.perf.requestOverheadSeconds(promptLen));
  return req;
}

export function stopList(stop: string | readonly string[] | null | undefined): string[] {
  if (!stop) return [];
  return typeof stop === "string" ? [stop] : [...stop];
}
