/** A raw Anthropic stream event as the client received it. */
export interface StreamEvent {
  type: string;
  index?: number;
  content_block?: { type: string; [k: string]: unknown };
  delta?: { type?: string; [k: string]: unknown };
  [k: string]: unknown;
}

const deltaFor: Record<string, string[]> = {
  text: ["text_delta"],
  tool_use: ["input_json_delta"],
  thinking: ["thinking_delta", "signature_delta"],
};

/**
 * Throws unless the events follow the Anthropic grammar strictly: message_start first; blocks opened in index
 * order one at a time; deltas only for the open block and of its type; no empty text/thinking blocks;
 * message_delta after the last block; message_stop last. Pings may appear anywhere after message_start.
 */
export function checkStreamGrammar(events: StreamEvent[]): void {
  const fail = (i: number, why: string) => {
    throw new Error(`event ${i} (${events[i]?.type}): ${why}\n${events.map((e) => JSON.stringify(e)).join("\n")}`);
  };
  if (events[0]?.type !== "message_start") fail(0, "the first event must be message_start");
  let open: { index: number; type: string; content: number } | undefined;
  let next = 0;
  let sawDelta = false;
  events.forEach((e, i) => {
    if (i === 0 || e.type === "ping") return;
    if (sawDelta && e.type !== "message_stop") fail(i, "only message_stop may follow message_delta");
    switch (e.type) {
      case "content_block_start":
        if (open) fail(i, `block ${open.index} is still open`);
        if (e.index !== next) fail(i, `expected index ${next}`);
        open = { index: next++, type: e.content_block!.type, content: 0 };
        break;
      case "content_block_delta": {
        if (!open || e.index !== open.index) fail(i, "delta for a block that is not open");
        if (!deltaFor[open!.type]?.includes(e.delta!.type!)) fail(i, `${e.delta!.type} in a ${open!.type} block`);
        const piece = e.delta!.text ?? e.delta!.thinking ?? e.delta!.partial_json ?? "";
        open!.content += String(piece).length;
        break;
      }
      case "content_block_stop":
        if (!open || e.index !== open.index) fail(i, "stop for a block that is not open");
        if (open!.type !== "tool_use" && open!.content === 0) fail(i, `empty ${open!.type} block`);
        open = undefined;
        break;
      case "message_delta":
        if (open) fail(i, `block ${open.index} is still open`);
        sawDelta = true;
        break;
      case "message_stop":
        if (!sawDelta) fail(i, "message_stop before message_delta");
        if (i !== events.length - 1) fail(i, "message_stop must be last");
        break;
      default:
        fail(i, "unknown event type");
    }
  });
  if (events.at(-1)?.type !== "message_stop") fail(events.length - 1, "the stream must end with message_stop");
}

type Frame = { event: string; data: unknown; at: number };

/** Reads an SSE response body into {event, data} frames (for checks the SDK hides, such as pings); `onFrame` sees each as it arrives. */
export async function readSse(res: Response, onFrame?: (frame: Frame) => void): Promise<Frame[]> {
  const frames: Frame[] = [];
  const decoder = new TextDecoder();
  let buffered = "";
  for await (const part of res.body as unknown as AsyncIterable<Uint8Array>) {
    buffered += decoder.decode(part, { stream: true });
    let cut: number;
    while ((cut = buffered.indexOf("\n\n")) >= 0) {
      const block = buffered.slice(0, cut);
      buffered = buffered.slice(cut + 2);
      const event = /^event: (.*)$/m.exec(block)?.[1] ?? "message";
      const data = /^data: (.*)$/m.exec(block)?.[1];
      frames.push({ event, data: data === undefined ? undefined : JSON.parse(data), at: performance.now() });
      onFrame?.(frames.at(-1)!);
    }
  }
  return frames;
}
