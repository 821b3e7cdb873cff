import type { GgufMetadata } from "../gguf/types.ts";
import { TOKEN_TYPE, tokenTexts, tokenTypes } from "./qwen25-tokenizer.ts";

/** Qwen2's pre-tokenizer split, as in Qwen2.5's tokenizer.json (llama.cpp's `qwen2` pre-tokenizer). */
const QWEN2_SPLIT = String.raw`(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+`;
/** The vocab's padding rows up to the embedding size: no tokens in Qwen2.5's tokenizer.json. */
const PADDING = /^\[PAD\d+\]$/;
const BYTE_LEVEL = { type: "ByteLevel", add_prefix_space: false, trim_offsets: false, use_regex: false };

export interface HfTokenizerFiles {
  "tokenizer.json": unknown;
  "tokenizer_config.json": unknown;
}

interface AddedToken {
  id: number;
  content: string;
  special: boolean;
}

/**
 * Hugging Face tokenizer files equal to a Qwen2.5 GGUF's tokenizer: byte-level BPE with the same vocab and
 * merges, the added tokens (CONTROL ones special), eos <|im_end|>, pad <|endoftext|>, no BOS, the chat template.
 * `extraAdded` appends added tokens after the GGUF's (Qwen3's <think> etc.), in the padding ids that follow.
 */
export function hfTokenizerFiles(tokenizer: GgufMetadata, chatTemplate: string, extraAdded: string[] = []): HfTokenizerFiles {
  const texts = tokenTexts(tokenizer);
  const types = tokenTypes(tokenizer);
  const vocab: Record<string, number> = {};
  const added: AddedToken[] = [];
  for (let id = 0; id < texts.length; id++) {
    if (types[id] === TOKEN_TYPE.normal) vocab[texts[id]] = id;
    else if (PADDING.test(texts[id])) continue;
    else if (types[id] === TOKEN_TYPE.control || types[id] === TOKEN_TYPE.userDefined) added.push({ id, content: texts[id], special: types[id] === TOKEN_TYPE.control });
  }
  let next = Math.max(...added.map((t) => t.id)) + 1;
  for (const content of extraAdded) added.push({ id: next++, content, special: false });
  const merges = tokenizer.get("tokenizer.ggml.merges");
  if (merges?.type !== "array") throw new Error("the tokenizer lacks tokenizer.ggml.merges");
  const json = {
    version: "1.0",
    truncation: null,
    padding: null,
    added_tokens: added.map((t) => ({ id: t.id, content: t.content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: t.special })),
    normalizer: { type: "NFC" },
    pre_tokenizer: {
      type: "Sequence",
      pretokenizers: [{ type: "Split", pattern: { Regex: QWEN2_SPLIT }, behavior: "Isolated", invert: false }, BYTE_LEVEL],
    },
    post_processor: BYTE_LEVEL,
    decoder: BYTE_LEVEL,
    model: {
      type: "BPE", dropout: null, unk_token: null, continuing_subword_prefix: "", end_of_word_suffix: "",
      fuse_unk: false, byte_fallback: false, ignore_merges: false, vocab, merges: merges.value,
    },
  };
  const decoder = Object.fromEntries(added.map((t) => [String(t.id), { content: t.content, lstrip: false, normalized: false, rstrip: false, single_word: false, special: t.special }]));
  const config = {
    add_bos_token: false,
    add_prefix_space: false,
    added_tokens_decoder: decoder,
    additional_special_tokens: added.filter((t) => t.special && t.content !== "<|endoftext|>").map((t) => t.content),
    bos_token: null,
    chat_template: chatTemplate,
    clean_up_tokenization_spaces: false,
    eos_token: "<|im_end|>",
    errors: "replace",
    model_max_length: 32768,
    pad_token: "<|endoftext|>",
    split_special_tokens: false,
    tokenizer_class: "Qwen2Tokenizer",
    unk_token: null,
  };
  return { "tokenizer.json": json, "tokenizer_config.json": config };
}
