import { stringAfter } from "./json-scan.ts";
import { streamRequest, type StreamOptions } from "./stream-request.ts";
import type { Clock, RequestRecord } from "./types.ts";
import type { ChatTarget } from "./openai-chat.ts";

interface Usage {
  input_tokens?: number;
  output_tokens?: number;
  cache_read_input_tokens?: number | null;
  cache_creation_input_tokens?: number | null;
}
interface MessagesEvent {
  type?: string;
  index?: number;
  message?: { usage?: Usage };
  usage?: Usage;
  delta?: { type?: string; text?: string; thinking?: string; partial_json?: string; stop_reason?: string | null };
  content_block?: { type?: string; name?: string };
  error?: { type?: string; message?: string };
}
export interface MessagesState {
  text: string;
  tools: Array<{ name: string; arguments: string }>;
  /** Content-block index -> tool slot, for input_json_delta fragments. */
  toolAt: Map<number, number>;
}

/** Delta types that carry model output (signature_delta does not). */
const CONTENT_DELTAS = new Set(["text_delta", "thinking_delta", "input_json_delta"]);

export function anthropicHeaders(apiKey: string | undefined): Record<string, string> {
  // vLLM takes Bearer only, the Anthropic API x-api-key only: send both (the key itself never leaves this process otherwise).
  return apiKey ? { "x-api-key": apiKey, authorization: `Bearer ${apiKey}` } : {};
}

/**
 * Streams one Anthropic Messages request (POST /v1/messages) and times it like streamChat: TTFT at the first
 * content_block_delta carrying non-empty text, thinking or tool input; prompt tokens = input + cache read (+ cache
 * creation) from message_start/message_delta usage; output tokens from message_delta.
 */
export async function streamMessages(
  target: ChatTarget,
  body: Record<string, unknown>,
  clock: Clock,
  opts: StreamOptions = {},
): Promise<RequestRecord> {
  return streamMessagesPayload(target, JSON.stringify({ ...body, stream: true }), clock, opts);
}

/** streamMessages for a body serialized ahead of time (the replay sends on schedule with nothing left to do). */
export async function streamMessagesPayload(target: ChatTarget, payload: string | Buffer, clock: Clock, opts: StreamOptions = {}): Promise<RequestRecord> {
  const state: MessagesState = { text: "", tools: [], toolAt: new Map() };
  const headers = { "anthropic-version": "2023-06-01", ...anthropicHeaders(target.apiKey) };
  const record = await streamRequest(`${target.baseUrl}/v1/messages`, headers, payload, clock, opts, (rec, data, event, now) =>
    onMessagesData(data, event, now, rec, state),
  );
  record.text = state.text;
  if (state.tools.length) record.toolCalls = state.tools;
  return record;
}

function content(record: RequestRecord, now: number): void {
  if (record.firstTokenNs === undefined) record.firstTokenNs = now;
  record.chunkNs.push(now);
}

/** Handles one `data:` payload; text deltas (nearly all events) skip JSON.parse. Exported for the benchmark. */
export function onMessagesData(data: string, event: string | undefined, now: number, record: RequestRecord, state: MessagesState): void {
  if ((event === "content_block_delta" || (event === undefined && data.includes('"content_block_delta"'))) && !data.includes('"error"')) {
    const text = stringAfter(data, '"text":"');
    if (text !== undefined) {
      // An empty text_delta carries no content: like an empty `content` on the OpenAI path, it is not a token.
      if (text) content(record, now);
      state.text += text;
      return;
    }
  }
  if (event === "ping" || data.startsWith('{"type":"ping"')) return;
  const ev = JSON.parse(data) as MessagesEvent;
  switch (ev.type) {
    case "message_start":
      usage(record, ev.message?.usage);
      break;
    case "content_block_start":
      if (ev.content_block?.type === "tool_use" && ev.index !== undefined) {
        state.toolAt.set(ev.index, state.tools.length);
        state.tools.push({ name: ev.content_block.name ?? "", arguments: "" });
      }
      break;
    case "content_block_delta":
      if (!CONTENT_DELTAS.has(ev.delta?.type ?? "")) break;
      if (ev.delta?.text || ev.delta?.thinking || ev.delta?.partial_json) content(record, now);
      if (ev.delta?.text) state.text += ev.delta.text;
      if (ev.delta?.partial_json !== undefined && ev.index !== undefined) {
        const slot = state.toolAt.get(ev.index);
        if (slot !== undefined) state.tools[slot].arguments += ev.delta.partial_json;
      }
      break;
    case "message_delta":
      if (ev.delta?.stop_reason) record.finishReason = ev.delta.stop_reason;
      usage(record, ev.usage);
      break;
    case "error":
      record.error = `${ev.error?.type ?? "error"}: ${ev.error?.message ?? "error event in stream"}`;
      break;
  }
}

function usage(record: RequestRecord, u: Usage | undefined): void {
  if (!u) return;
  if (u.cache_read_input_tokens != null) record.cachedTokens = u.cache_read_input_tokens;
  if (u.input_tokens !== undefined) record.promptTokens = u.input_tokens + (record.cachedTokens ?? 0) + (u.cache_creation_input_tokens ?? 0);
  if (u.output_tokens !== undefined) record.outputTokens = u.output_tokens;
}
