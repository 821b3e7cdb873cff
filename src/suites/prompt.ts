import { randomBytes } from "node:crypto";
import { countChatTokens, countTokens } from "../client/chat-tokens.ts";
import { fitWords } from "./workload/fit.ts";
import type { Target } from "./types.ts";

const WORDS = (
  "the model reads a file then calls a tool to edit the code and runs the tests again while the user waits for " +
  "a short answer about types imports errors functions classes modules builds caches servers requests tokens " +
  "latency memory batch queue prefix context window stream chunk decode prefill graph kernel profile grid point"
).split(" ");

/** A fresh random salt: every run gets its own, so nothing hits the prefix cache unless a scenario means it to. */
export function newSalt(): string {
  return randomBytes(6).toString("hex");
}

function words(count: number, salt: string): string {
  const seed = parseInt(salt.slice(0, 8), 16) || 1;
  let x = seed;
  const out = [`[${salt}]`];
  for (let i = 0; i < count; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    out.push(WORDS[(x >>> 8) % WORDS.length]);
  }
  return out.join(" ");
}

/**
 * Text of exactly `tokens` tokens in the engine's tokenizer when it has a tokenize endpoint (closest from
 * below otherwise), starting with the salt so that different salts never share a cached prefix.
 */
export async function sizedPrompt(target: Target, tokens: number, salt: string): Promise<{ text: string; tokens?: number }> {
  const count = (text: string) => countTokens(target, text);
  const fit = await fitWords((n) => count(words(n, salt)), tokens, Math.max(1, tokens - 8));
  return topUp(count, words(fit.words, salt), fit.tokens, tokens);
}

/**
 * Word counts move in steps of one or two tokens; when the fit lands just below the target, " a" (always one
 * token of its own: the pre-tokenizer splits on spaces) makes up the difference, checked by one more count.
 */
async function topUp(
  count: (text: string) => Promise<number | undefined>, text: string, have: number | undefined, target: number,
): Promise<{ text: string; tokens?: number }> {
  if (have === undefined || have >= target) return { text, tokens: have };
  const padded = text + " a".repeat(target - have);
  return (await count(padded)) === target ? { text: padded, tokens: target } : { text, tokens: have };
}

/**
 * A single user message of exactly `tokens` prompt tokens as the engine renders the chat (template included),
 * when it can count; otherwise the raw text sized by sizedPrompt.
 */
export async function sizedUserPrompt(target: Target, tokens: number, salt: string): Promise<{ text: string; tokens?: number }> {
  const count = (text: string) => countChatTokens(target, { messages: [{ role: "user", content: text }] });
  const fit = await fitWords((n) => count(words(n, salt)), tokens, Math.max(0, tokens - 12));
  if (fit.tokens === undefined) return sizedPrompt(target, tokens, salt);
  return topUp(count, words(fit.words, salt), fit.tokens, tokens);
}
