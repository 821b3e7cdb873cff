import type { Rng } from "../rng.ts";
import { tokenId, tokenPieces } from "./tokenizer.ts";
import { sentence } from "./words.ts";

export type Channel = "content" | "reasoning" | "tool";
export type FinishReason = "stop" | "length";

export interface OutputDelta {
  readonly channel: Channel;
  readonly text: string;
  /** Set on the token that opens a tool call. */
  readonly toolCall?: { readonly id: string; readonly name: string };
}

export interface SampledToken {
  readonly id: number;
  readonly deltas: readonly OutputDelta[];
}

export interface ToolCallPlan {
  readonly id: string;
  readonly name: string;
  readonly arguments: string;
}

export interface OutputPlanOptions {
  readonly rng: Rng;
  /** Hard limit: max_tokens, or what is left of max-model-len. */
  readonly maxTokens: number;
  readonly ignoreEos: boolean;
  readonly minTokens: number;
  readonly stop: readonly string[];
  readonly reasoning: boolean;
  readonly toolCall?: ToolCallPlan;
}

type Item = { piece: string; channel: Channel | "hidden"; toolCall?: ToolCallPlan };

/**
 * What one request generates, token by token: optional reasoning, then a tool call or text, then EOS after a
 * seeded length (log-normal, median 150 tokens) unless `ignore_eos`. `max_tokens` ends it with "length"; a stop
 * string ends it with "stop", the text cut before the stop string and held back until it can no longer match.
 * The EOS token counts as a completion token and shows no text, as in vLLM.
 */
export class OutputPlan {
  private readonly queue: Item[] = [];
  private readonly eosAt: number;
  private readonly holdback: number;
  private produced = 0;
  private content = "";
  private emitted = 0;
  private first = true;
  finishReason: FinishReason | null = null;
  stopReason: string | null = null;

  constructor(private readonly opts: OutputPlanOptions) {
    const natural = Math.max(opts.minTokens, Math.max(4, Math.round(Math.exp(Math.log(150) + 0.8 * gaussian(opts.rng)))));
    const reasoningTokens = opts.reasoning ? Math.max(1, Math.floor(natural * (0.2 + 0.3 * opts.rng()))) : 0;
    if (opts.reasoning) {
      this.fill("reasoning", reasoningTokens);
      this.queue.push({ piece: "</think>", channel: "hidden" });
    }
    if (opts.toolCall) {
      this.queue.push({ piece: "<tool_call>", channel: "hidden", toolCall: opts.toolCall });
      for (const piece of tokenPieces(opts.toolCall.arguments)) this.queue.push({ piece, channel: "tool" });
      this.queue.push({ piece: "</tool_call>", channel: "hidden" });
      this.eosAt = Math.max(opts.minTokens, this.queue.length + 1);
    } else {
      this.eosAt = Math.max(natural, this.queue.length + 2);
    }
    this.holdback = opts.stop.length > 0 ? Math.max(...opts.stop.map((s) => s.length)) - 1 : 0;
  }

  get outputTokens(): number {
    return this.produced;
  }

  /** Samples the next token; afterwards `finishReason` tells whether the request is done. */
  next(): SampledToken {
    this.produced++;
    if (!this.opts.ignoreEos && this.produced >= this.eosAt) {
      this.finishReason = "stop";
      return { id: tokenId("<|user|>"), deltas: this.flushContent() };
    }
    if (this.queue.length === 0) this.fill("content", 1);
    const item = this.queue.shift()!;
    const deltas: OutputDelta[] = [];
    if (item.toolCall) deltas.push({ channel: "tool", text: "", toolCall: { id: item.toolCall.id, name: item.toolCall.name } });
    if (item.channel === "reasoning" || item.channel === "tool") deltas.push({ channel: item.channel, text: item.piece });
    if (item.channel === "content") {
      this.content += item.piece;
      this.checkStop();
    }
    if (this.finishReason === null && this.produced >= this.opts.maxTokens) this.finishReason = "length";
    deltas.push(...(this.finishReason ? this.flushContent() : this.releaseContent()));
    return { id: tokenId(item.piece), deltas };
  }

  private fill(channel: "content" | "reasoning", minTokens: number): void {
    let added = 0;
    while (added < minTokens) {
      for (const piece of tokenPieces(sentence(this.opts.rng, this.first && channel === "content"))) {
        if (channel === "reasoning" && added >= minTokens) break;
        this.queue.push({ piece, channel });
        added++;
      }
      if (channel === "content") this.first = false;
    }
  }

  private checkStop(): void {
    const from = Math.max(0, this.emitted - this.holdback);
    let best = -1;
    for (const stop of this.opts.stop) {
      const at = this.content.indexOf(stop, from);
      if (at >= 0 && (best < 0 || at < best)) {
        best = at;
        this.stopReason = stop;
      }
    }
    if (best >= 0) {
      this.content = this.content.slice(0, best);
      this.finishReason = "stop";
    }
  }

  private releaseContent(): OutputDelta[] {
    const upTo = Math.max(this.emitted, this.content.length - this.holdback);
    return this.take(upTo);
  }

  private flushContent(): OutputDelta[] {
    return this.take(this.content.length);
  }

  private take(upTo: number): OutputDelta[] {
    if (upTo <= this.emitted) return [];
    const text = this.content.slice(this.emitted, upTo);
    this.emitted = upTo;
    return [{ channel: "content", text }];
  }
}

function gaussian(rng: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
}
