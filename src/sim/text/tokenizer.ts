import { hashString } from "../rng.ts";

/**
 * The simulated tokenizer, used for every count the simulator reports (usage, /tokenize, count_tokens, limits).
 *
 * Text is cut by one regular expression into pieces, and each piece is exactly one token:
 * - a special token of the chat template (`[gMASK]`, `<sop>`, `<|user|>`, `<think>`, ...);
 * - an optional leading space plus up to 12 letters (` hello`), up to 3 digits, or up to 4 other symbols;
 * - a run of whitespace (the last space before a word stays with the word, as in GPT-2's pre-tokenizer).
 * A token id is a stable hash of its piece (vocabulary size of GLM-4.x); ids are decoded through the pieces seen.
 * Counts land near 0.8x a real BPE tokenizer on English text, which is all a timing model needs.
 */
export const SPECIAL_TOKENS = [
  "[gMASK]",
  "<sop>",
  "<|system|>",
  "<|user|>",
  "<|assistant|>",
  "<|observation|>",
  "<think>",
  "</think>",
  "<tool_call>",
  "</tool_call>",
  "<tool_response>",
  "</tool_response>",
  "<|endoftext|>",
] as const;

export const VOCAB_SIZE = 151_552;

const escaped = SPECIAL_TOKENS.map((t) => t.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|");
const PIECE = new RegExp(`${escaped}| ?\\p{L}{1,12}| ?\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]{1,4}|\\s+(?!\\S)|\\s+`, "gu");

const pieceById = new Map<number, string>();

export function tokenId(piece: string): number {
  const id = hashString(piece) % VOCAB_SIZE;
  if (!pieceById.has(id)) pieceById.set(id, piece);
  return id;
}

/** Splits text into token pieces. */
export function tokenPieces(text: string): string[] {
  return text.match(PIECE) ?? [];
}

export function tokenize(text: string): number[] {
  const pieces = tokenPieces(text);
  const ids = new Array<number>(pieces.length);
  for (let i = 0; i < pieces.length; i++) ids[i] = tokenId(pieces[i]);
  return ids;
}

export function countTokens(text: string): number {
  return tokenPieces(text).length;
}

/** Decodes ids seen by this process; an id never seen decodes to a stable placeholder piece. */
export function detokenize(ids: readonly number[]): string {
  return ids.map((id) => pieceById.get(id) ?? `<|tok_${id}|>`).join("");
}
