import type { GgufMetadata, GgufScalar, GgufValue } from "../gguf/types.ts";

/**
 * Qwen2.5's added tokens from id 151646 on. ggml-vocab-qwen2.gguf predates them and holds "[PAD<id>]" there;
 * types follow convert_hf_to_gguf: "<|...|>" are CONTROL (3), the others USER_DEFINED (4).
 */
const FIRST_ADDED = 151646;
const ADDED = [
  "<|object_ref_start|>", "<|object_ref_end|>", "<|box_start|>", "<|box_end|>", "<|quad_start|>", "<|quad_end|>",
  "<|vision_start|>", "<|vision_end|>", "<|vision_pad|>", "<|image_pad|>", "<|video_pad|>", "<tool_call>",
  "</tool_call>", "<|fim_prefix|>", "<|fim_middle|>", "<|fim_suffix|>", "<|fim_pad|>", "<|repo_name|>", "<|file_sep|>",
];
const ENDOFTEXT = 151643;
const IM_END = 151645;
export const TOKEN_TYPE = { normal: 1, control: 3, userDefined: 4, unused: 5 } as const;

/**
 * All tokenizer.* entries of the Qwen2 vocab, patched to match a Qwen2.5-Instruct GGUF: its added tokens,
 * eos <|im_end|>, no BOS, and the given chat template.
 */
export function qwen25Tokenizer(vocab: GgufMetadata, chatTemplate: string): GgufMetadata {
  const out: GgufMetadata = new Map();
  for (const [key, value] of vocab) if (key.startsWith("tokenizer.")) out.set(key, value);
  const tokens = arrayOf(out, "tokenizer.ggml.tokens").slice();
  const types = arrayOf(out, "tokenizer.ggml.token_type").slice();
  ADDED.forEach((text, i) => {
    const id = FIRST_ADDED + i;
    if (tokens[id] !== `[PAD${id}]` && tokens[id] !== text) throw new Error(`unexpected token ${id} in the Qwen2 vocab: ${String(tokens[id])}`);
    tokens[id] = text;
    types[id] = text.startsWith("<|") ? TOKEN_TYPE.control : TOKEN_TYPE.userDefined;
  });
  out.set("tokenizer.ggml.tokens", { type: "array", itemType: "string", value: tokens });
  out.set("tokenizer.ggml.token_type", { type: "array", itemType: "i32", value: types });
  out.set("tokenizer.ggml.eos_token_id", { type: "u32", value: IM_END });
  out.set("tokenizer.ggml.padding_token_id", { type: "u32", value: ENDOFTEXT });
  out.set("tokenizer.ggml.bos_token_id", { type: "u32", value: ENDOFTEXT });
  out.set("tokenizer.ggml.add_bos_token", { type: "bool", value: false });
  out.set("tokenizer.chat_template", { type: "string", value: chatTemplate });
  return out;
}

/** Token texts from the tokenizer metadata. */
export function tokenTexts(tokenizer: GgufMetadata): string[] {
  return arrayOf(tokenizer, "tokenizer.ggml.tokens") as string[];
}

/** Token types from the tokenizer metadata, for blocking special tokens in the output layer. */
export function tokenTypes(tokenizer: GgufMetadata): number[] {
  return arrayOf(tokenizer, "tokenizer.ggml.token_type") as number[];
}

function arrayOf(meta: GgufMetadata, key: string): GgufScalar[] {
  const v: GgufValue | undefined = meta.get(key);
  if (v?.type !== "array" || v.itemType === "array") throw new Error(`the vocab lacks the array ${key}`);
  return v.value as GgufScalar[];
}
