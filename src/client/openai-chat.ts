import { authHeaders } from "./http.ts";
import { stringAfter } from "./json-scan.ts";
import { streamRequest, type StreamOptions } from "./stream-request.ts";
import type { Clock, RequestRecord, ToolCall } from "./types.ts";

export interface ChatTarget {
  baseUrl: string;
  apiKey?: string;
}

interface ChunkDelta {
  content?: string | null;
  reasoning?: string | null;
  reasoning_content?: string | null;
  tool_calls?: Array<{ index: number; id?: string; function?: { name?: string; arguments?: string } }>;
}
interface Chunk {
  choices?: Array<{ delta?: ChunkDelta; text?: string; finish_reason?: string | null }>;
  usage?: { prompt_tokens?: number; completion_tokens?: number; prompt_tokens_details?: { cached_tokens?: number } | null } | null;
  timings?: { prompt_ms?: number; cache_n?: number };
  error?: { message?: string } | string;
}

/**
 * Anything but plain content sends a chunk to JSON.parse: usage, timings, tool calls, reasoning, logprobs,
 * errors, or a finish_reason that is not null. One regex pass (several includes() cost 8x more).
 */
const NEEDS_PARSE = /"(?:usage|timings|tool_calls|reasoning[a-z_]*|error)"|"logprobs":\s*\{|"finish_reason":\s*"/;

/**
 * Streams one OpenAI chat completion and times it like `vllm bench serve`: start just before sending, TTFT at
 * the first chunk carrying content (reasoning and tool-call arguments count), ITL between content chunks.
 * Content-only chunks (nearly all of them) skip JSON.parse: see json-scan.ts.
 */
export async function streamChat(
  target: ChatTarget,
  body: Record<string, unknown>,
  clock: Clock,
  opts: StreamOptions = {},
): Promise<RequestRecord> {
  return streamChatPayload(target, JSON.stringify({ ...body, stream: true, stream_options: { include_usage: true } }), clock, opts);
}

/** streamChat for a body serialized ahead of time, which must ask for streaming with usage itself. */
export async function streamChatPayload(target: ChatTarget, payload: string | Buffer, clock: Clock, opts: StreamOptions = {}): Promise<RequestRecord> {
  const state = { text: "", tools: [] as ToolCall[] };
  const record = await streamRequest(`${target.baseUrl}/v1/chat/completions`, authHeaders(target.apiKey), payload, clock, opts, (rec, data, _event, now) =>
    onChatData(data, now, rec, state),
  );
  record.text = state.text;
  if (state.tools.length) record.toolCalls = state.tools.filter(Boolean);
  return record;
}

/** Handles one `data:` payload of a chat stream; exported for the client benchmark and tests. */
export function onChatData(
  data: string, now: number, record: RequestRecord, state: { text: string; tools: ToolCall[] },
): void {
  if (data === "[DONE]") return;
  if (!NEEDS_PARSE.test(data)) {
    const piece = stringAfter(data, '"content":"');
    if (piece) {
      if (record.firstTokenNs === undefined) record.firstTokenNs = now;
      record.chunkNs.push(now);
      state.text += piece;
      return;
    }
  }
  const chunk = JSON.parse(data) as Chunk;
  if (chunk.error) record.error = typeof chunk.error === "string" ? chunk.error : chunk.error.message ?? "error in stream";
  const choice = chunk.choices?.[0];
  const delta = choice?.delta;
  const piece = delta?.content ?? choice?.text;
  const reasoning = delta?.reasoning ?? delta?.reasoning_content;
  if (piece || reasoning || delta?.tool_calls?.length) {
    if (record.firstTokenNs === undefined) record.firstTokenNs = now;
    record.chunkNs.push(now);
    if (piece) state.text += piece;
    for (const call of delta?.tool_calls ?? []) {
      const slot = (state.tools[call.index] ??= { name: "", arguments: "" });
      if (call.id) slot.id = call.id;
      if (call.function?.name) slot.name += call.function.name;
      if (call.function?.arguments) slot.arguments += call.function.arguments;
    }
  }
  if (choice?.finish_reason) record.finishReason = choice.finish_reason;
  if (chunk.usage) {
    record.promptTokens = chunk.usage.prompt_tokens;
    record.outputTokens = chunk.usage.completion_tokens;
    record.cachedTokens = chunk.usage.prompt_tokens_details?.cached_tokens ?? record.cachedTokens;
  }
  if (chunk.timings?.prompt_ms !== undefined) record.serverPromptMs = chunk.timings.prompt_ms;
  if (chunk.timings?.cache_n !== undefined && record.cachedTokens === undefined) record.cachedTokens = chunk.timings.cache_n;
}
