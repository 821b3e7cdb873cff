import { errorEvent } from "./errors.ts";
import type { ExchangeWatch } from "./observe.ts";
import { anthropicUsage, stopReason, type AnthropicUsage } from "./finish.ts";
import type { ChatChunk, ChatToolCallDelta, ChatUsage } from "./openai-types.ts";
import * as ev from "./sse-events.ts";
import { ThinkTagSplitter } from "./think-tags.ts";
import { toolUseId, validToolInput } from "./tool-calls.ts";
import { streamErrorMessage } from "./upstream-errors.ts";
import { simStamp } from "../client/sim-stamp.ts";
import { stampFrames } from "./sim-clock.ts";

export interface StreamContext {
  messageId: string;
  /** The model name the client asked for (echoed back, as Anthropic does). */
  model: string;
  /** Reasoning becomes thinking blocks; otherwise it is dropped (never shown as text). */
  emitThinking: boolean;
  promptTokens?: number;
  stopSequences?: string[];
  /** Observers of this exchange (recording, cache doctor), when any. */
  watch?: ExchangeWatch;
}

interface ToolCall {
  index: number;
  id: string;
  name: string;
  args: string;
  state: "pending" | "open" | "closed";
}

/**
 * One request's translation of OpenAI chat.completion.chunk payloads into Anthropic events (all state is
 * per instance). Blocks are strictly sequential and never empty. Once a tool call starts, the first call
 * streams live; calls of other indices (parallel or interleaved) are buffered and emitted whole at the end,
 * so fragments can never land in a closed block. Output accumulates in `out` for one write per network chunk.
 */
export class StreamTranslator {
  out = "";
  done = false;
  /** How the message ended (set by finish()), for observers. */
  result?: { stopReason: string; usage: AnthropicUsage };
  /** The error a failed stream ended with. */
  failedWith?: string;
  private block = -1;
  /** Leading whitespace not yet sent: dropped before real text, sent when it is the whole answer. */
  private heldWhitespace = "";
  private open: "none" | "text" | "thinking" | "tool" = "none";
  private openTool: ToolCall | undefined;
  private readonly tools: ToolCall[] = [];
  private textAfterTools = "";
  private finishReason: string | undefined;
  private engineStopReason: unknown;
  private usage: ChatUsage | undefined;
  private sawDone = false;
  /** The simulator's stamp of the last engine payload (src/util/sim-clock-protocol.ts); undefined for real engines. */
  private lastStamp: number | undefined;
  private readonly splitter = new ThinkTagSplitter(
    (text) => this.text(text),
    (text) => this.thinking(text),
  );

  constructor(private readonly ctx: StreamContext) {}

  start(): void {
    this.out += ev.messageStart(this.ctx.messageId, this.ctx.model, anthropicUsage(undefined, this.ctx.promptTokens));
  }

  /** One SSE `data` payload from the engine; the frames it yields keep the simulator's stamp, if it has one. */
  data(payload: string): void {
    if (this.done) return;
    const stamp = simStamp(payload);
    if (stamp === undefined) return this.translate(payload);
    const from = this.out.length;
    this.lastStamp = stamp;
    this.translate(payload);
    this.out = this.out.slice(0, from) + stampFrames(this.out.slice(from), stamp);
  }

  private translate(payload: string): void {
    if (payload === "[DONE]") {
      this.sawDone = true;
      return;
    }
    let chunk: ChatChunk;
    try {
      chunk = JSON.parse(payload) as ChatChunk;
    } catch {
      return this.fail("api_error", "the engine sent a malformed stream chunk");
    }
    if (chunk.error) return this.fail("api_error", `the engine failed mid-stream: ${streamErrorMessage(chunk.error)}`);
    if (chunk.usage) this.usage = chunk.usage;
    const choice = chunk.choices?.[0];
    if (!choice) return;
    const delta = choice.delta;
    if (delta) {
      // vLLM renamed reasoning_content to reasoning; llama-server still uses reasoning_content.
      const reasoning = delta.reasoning || delta.reasoning_content;
      if (reasoning) this.thinking(reasoning);
      if (delta.content) this.splitter.push(delta.content);
      if (delta.tool_calls) for (const call of delta.tool_calls) this.toolDelta(call);
    }
    if (choice.finish_reason) {
      this.finishReason = choice.finish_reason;
      this.engineStopReason = choice.stop_reason;
    }
  }

  /** The engine's stream ended: close blocks and send message_delta + message_stop (or an error event). */
  finish(): void {
    if (this.done) return;
    if (!this.finishReason && !this.sawDone) return this.fail("api_error", "the engine's stream ended before it finished");
    this.splitter.end();
    this.closeOpen();
    for (const call of this.tools) {
      if (call.state !== "pending") continue;
      if (!call.name) return this.fail("api_error", "the engine streamed a tool call without a name");
      this.openToolBlock(call);
      this.closeOpen();
    }
    const bad = this.tools.find((call) => !validToolInput(call.args));
    if (bad) return this.fail("api_error", `the engine produced invalid JSON arguments for tool ${bad.name}`);
    if (this.block < 0 && this.heldWhitespace) {
      this.out += ev.blockStart(++this.block, { type: "text", text: "" }) + ev.textDelta(this.block, this.heldWhitespace) + ev.blockStop(this.block);
    }
    const tail = this.textAfterTools.trim();
    if (tail) {
      this.out += ev.blockStart(++this.block, { type: "text", text: "" }) + ev.textDelta(this.block, tail) + ev.blockStop(this.block);
    }
    const stop = stopReason(this.finishReason, this.engineStopReason, this.tools.length > 0, this.ctx.stopSequences);
    const usage = anthropicUsage(this.usage, this.ctx.promptTokens);
    this.result = { stopReason: stop.stop_reason, usage };
    const end = ev.messageDelta(stop, usage) + ev.MESSAGE_STOP;
    this.out += this.lastStamp === undefined ? end : stampFrames(end, this.lastStamp);
    this.done = true;
  }

  /** A failure after the 200 went out: an `event: error` frame ends the stream. */
  fail(type: string, message: string): void {
    if (this.done) return;
    this.failedWith = message;
    this.out += errorEvent(type, message);
    this.done = true;
  }

  /** Whether a content block has been opened (the client has seen its first token). */
  get started(): boolean {
    return this.block >= 0;
  }

  take(): string {
    const out = this.out;
    this.out = "";
    return out;
  }

  private text(text: string): void {
    if (this.tools.length) {
      this.textAfterTools += text;
      return;
    }
    if (this.open !== "text") {
      const trimmed = text.trimStart();
      if (!trimmed) {
        if (this.block < 0) this.heldWhitespace += text;
        return;
      }
      text = trimmed;
      this.closeOpen();
      this.open = "text";
      this.out += ev.blockStart(++this.block, { type: "text", text: "" });
    }
    this.out += ev.textDelta(this.block, text);
  }

  private thinking(text: string): void {
    if (!this.ctx.emitThinking || this.tools.length) return;
    if (this.open !== "thinking") {
      text = text.trimStart();
      if (!text) return;
      this.closeOpen();
      this.open = "thinking";
      this.out += ev.blockStart(++this.block, { type: "thinking", thinking: "", signature: "" });
    }
    this.out += ev.thinkingDelta(this.block, text);
  }

  private toolDelta(delta: ChatToolCallDelta): void {
    const index = delta.index ?? 0;
    let call = this.openTool?.index === index ? this.openTool : this.tools.find((c) => c.index === index);
    if (!call) {
      if (this.open !== "tool") this.closeOpen();
      call = { index, id: "", name: "", args: "", state: "pending" };
      this.tools.push(call);
    }
    if (delta.id && !call.id) call.id = delta.id;
    if (delta.function?.name && !call.name) call.name = delta.function.name;
    const args = delta.function?.arguments;
    if (args) call.args += args;
    if (call === this.openTool) {
      if (args) this.out += ev.inputJsonDelta(this.block, args);
    } else if (this.open === "none" && call.state === "pending" && call.name && this.tools[0] === call) {
      this.openToolBlock(call);
    }
  }

  private openToolBlock(call: ToolCall): void {
    call.state = "open";
    this.openTool = call;
    this.open = "tool";
    const id = call.id || toolUseId(this.ctx.messageId, call.index);
    this.out += ev.blockStart(++this.block, { type: "tool_use", id, name: call.name, input: {} });
    if (call.args) this.out += ev.inputJsonDelta(this.block, call.args);
  }

  private closeOpen(): void {
    if (this.open === "none") return;
    if (this.open === "thinking") this.out += ev.signatureDelta(this.block);
    this.out += ev.blockStop(this.block);
    if (this.openTool) this.openTool.state = "closed";
    this.openTool = undefined;
    this.open = "none";
  }
}
