import type { AnthropicUsage, StopReason } from "./finish.ts";

// Anthropic stream events as ready-to-write SSE frames. The per-token ones are concatenated by hand: only
// the text itself goes through JSON.stringify.

export const PING = 'event: ping\ndata: {"type":"ping"}\n\n';
export const MESSAGE_STOP = 'event: message_stop\ndata: {"type":"message_stop"}\n\n';

/** Thinking blocks need a signature; the engine has none, so the proxy marks its own (it ignores it on the way back). */
export const THINKING_SIGNATURE = "tunelab-local";

export function frame(type: string, payload: object): string {
  return `event: ${type}\ndata: ${JSON.stringify(payload)}\n\n`;
}

export function messageStart(id: string, model: string, usage: AnthropicUsage): string {
  const message = { id, type: "message", role: "assistant", model, content: [], stop_reason: null, stop_sequence: null, usage };
  return frame("message_start", { type: "message_start", message });
}

export function blockStart(index: number, block: object): string {
  return frame("content_block_start", { type: "content_block_start", index, content_block: block });
}

export function blockStop(index: number): string {
  return `event: content_block_stop\ndata: {"type":"content_block_stop","index":${index}}\n\n`;
}

export function textDelta(index: number, text: string): string {
  return `event: content_block_delta\ndata: {"type":"content_block_delta","index":${index},"delta":{"type":"text_delta","text":${JSON.stringify(text)}}}\n\n`;
}

export function thinkingDelta(index: number, text: string): string {
  return `event: content_block_delta\ndata: {"type":"content_block_delta","index":${index},"delta":{"type":"thinking_delta","thinking":${JSON.stringify(text)}}}\n\n`;
}

export function signatureDelta(index: number): string {
  return frame("content_block_delta", {
    type: "content_block_delta",
    index,
    delta: { type: "signature_delta", signature: THINKING_SIGNATURE },
  });
}

export function inputJsonDelta(index: number, json: string): string {
  return `event: content_block_delta\ndata: {"type":"content_block_delta","index":${index},"delta":{"type":"input_json_delta","partial_json":${JSON.stringify(json)}}}\n\n`;
}

export function messageDelta(stop: { stop_reason: StopReason; stop_sequence: string | null }, usage: AnthropicUsage): string {
  return frame("message_delta", { type: "message_delta", delta: stop, usage });
}
