import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import type { GgufTensorInput } from "../gguf/types.ts";
import { writeSafetensors, type SafetensorsTensor } from "../safetensors/writer.ts";
import { cacheDir } from "../util/paths.ts";
import { hfTokenizerFiles } from "./hf-tokenizer.ts";
import { tinyQwen3Moe, QWEN3_ADDED } from "./tiny-moe.ts";
import { ensureLlamaSource } from "./source.ts";
import { GENERATOR, HEAD_DIM, qwen25TokenizerFrom, readTemplate, tinyQwen2, tinyShape, type TinyModelOptions } from "./tiny-model.ts";
import { tokenTypes } from "./qwen25-tokenizer.ts";

export interface TinyHfOptions extends TinyModelOptions {
  /** Qwen3MoeForCausalLM instead of the dense Qwen2ForCausalLM. */
  moe?: boolean;
}

/** Bump when the HF files change (the weights follow GENERATOR). */
const HF_GENERATOR = "h2";
const QWEN3_TEMPLATE = join("models", "templates", "Qwen-Qwen3-0.6B.jinja");
const IDS = { bos_token_id: 151643, eos_token_id: 151645, pad_token_id: 151643 };

/**
 * The tiny model as a Hugging Face directory vLLM loads offline: config.json, model.safetensors, tokenizer.json,
 * tokenizer_config.json, generation_config.json. Dense: the GGUF's own tensors (same seed, same bytes),
 * renamed and with PyTorch's shape order, minus `output.bias` (Qwen2ForCausalLM's lm_head has no bias, so
 * special tokens are not masked here). MoE: Qwen3MoeForCausalLM with Qwen3's extra tokens and chat template.
 */
export async function ensureTinyHfModel(opts: TinyHfOptions = {}): Promise<{ path: string }> {
  const { seed, layers, width } = tinyShape(opts);
  const say = opts.onProgress ?? (() => {});
  const src = await ensureLlamaSource(say);
  const kind = opts.moe ? "tiny-moe" : "tiny";
  const path = opts.out ? resolve(opts.out) : cacheDir("models", `${kind}-${seed}-${layers}x${width}-${GENERATOR}${HF_GENERATOR}-${src.version}-hf`);
  if (!opts.out && existsSync(join(path, "config.json"))) return { path };
  say(`generating ${kind} Hugging Face model (seed ${seed}, ${layers} layers x ${width})`);
  const template = opts.moe ? readTemplate(src.srcDir, QWEN3_TEMPLATE) : readTemplate(src.srcDir);
  const tokenizer = qwen25TokenizerFrom(src.srcDir, template);
  const vocab = tokenTypes(tokenizer).length;
  const shape = { seed, layers, width, vocab };
  const model = opts.moe ? tinyQwen3Moe(shape) : { config: { ...qwen2Config(shape), tie_word_embeddings: false }, tensors: ggufToHf(tinyQwen2(tokenizer, shape).tensors) };
  const files: Record<string, unknown> = {
    "config.json": { ...IDS, transformers_version: "4.51.0", torch_dtype: "float16", vocab_size: vocab, tie_word_embeddings: true, ...model.config, max_position_embeddings: 32768, rms_norm_eps: 1e-6 },
    "generation_config.json": { ...IDS, eos_token_id: [IDS.eos_token_id, IDS.bos_token_id] },
    ...hfTokenizerFiles(tokenizer, template, opts.moe ? QWEN3_ADDED : []),
  };
  const tmp = `${path}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  try {
    for (const [name, body] of Object.entries(files)) writeFileSync(join(tmp, name), JSON.stringify(body, null, 2) + "\n");
    writeSafetensors(join(tmp, "model.safetensors"), model.tensors);
    mkdirSync(dirname(path), { recursive: true });
    rmSync(path, { recursive: true, force: true });
    renameSync(tmp, path);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  say(`wrote ${path}`);
  return { path };
}

function qwen2Config(o: { layers: number; width: number }) {
  const heads = o.width / HEAD_DIM;
  return {
    architectures: ["Qwen2ForCausalLM"], model_type: "qwen2",
    hidden_size: o.width, intermediate_size: o.width * 2, num_hidden_layers: o.layers,
    num_attention_heads: heads, num_key_value_heads: heads % 2 === 0 ? heads / 2 : heads,
    hidden_act: "silu", rope_theta: 1_000_000, use_sliding_window: false, max_window_layers: o.layers,
    attention_dropout: 0, initializer_range: 0.02, use_cache: true,
  };
}

const LAYER_NAMES: Record<string, string> = {
  attn_norm: "input_layernorm", ffn_norm: "post_attention_layernorm",
  attn_q: "self_attn.q_proj", attn_k: "self_attn.k_proj", attn_v: "self_attn.v_proj", attn_output: "self_attn.o_proj",
  ffn_gate: "mlp.gate_proj", ffn_up: "mlp.up_proj", ffn_down: "mlp.down_proj",
};

/**
 * GGUF tensor -> HF name, shape reversed (GGUF lists the contiguous dimension first); the bytes stay. The GGUF's
 * output is tied to token_embd and its `output.bias` masks the tokens that never become text (special, unused,
 * partial UTF-8); Qwen2ForCausalLM's lm_head has no bias, so the HF model gets an untied `lm_head.weight`: the
 * embedding's rows, with the masked ones zero. A random-weight model decoding greedily repeats one token, and
 * with the tied head that token was often one that streams no text (seen: 9 of 20 vLLM answers empty); with
 * a zero row its logit is 0, below the largest of the others, so greedy decoding never picks it, as in llama.cpp.
 */
export function ggufToHf(tensors: GgufTensorInput[]): SafetensorsTensor[] {
  const out: SafetensorsTensor[] = [];
  for (const t of tensors) {
    const name = hfName(t.name);
    if (name === undefined) continue;
    if (t.type !== "F16" && t.type !== "F32") throw new Error(`tensor ${t.name}: ${t.type} has no safetensors dtype here`);
    out.push({ name, dtype: t.type, shape: [...t.dims].reverse(), data: t.data });
  }
  const embd = tensors.find((t) => t.name === "token_embd.weight");
  const bias = tensors.find((t) => t.name === "output.bias");
  if (embd && bias) out.push({ name: "lm_head.weight", dtype: embd.type as "F16", shape: [...embd.dims].reverse(), data: maskedRows(embd, bias) });
  return out;
}

/** The embedding's rows, zero where the output bias masks the token. */
function maskedRows(embd: GgufTensorInput, bias: GgufTensorInput): Uint8Array {
  const rowBytes = embd.data.length / embd.dims[1];
  const masked = new Float32Array(bias.data.buffer.slice(bias.data.byteOffset, bias.data.byteOffset + bias.data.length));
  const data = Uint8Array.from(embd.data);
  masked.forEach((b, id) => {
    if (b < 0) data.fill(0, id * rowBytes, (id + 1) * rowBytes);
  });
  return data;
}

function hfName(gguf: string): string | undefined {
  if (gguf === "token_embd.weight") return "model.embed_tokens.weight";
  if (gguf === "output_norm.weight") return "model.norm.weight";
  if (gguf === "output.bias") return undefined;
  const m = /^blk\.(\d+)\.(\w+)\.(weight|bias)$/.exec(gguf);
  if (!m || !LAYER_NAMES[m[2]]) throw new Error(`no Hugging Face name for GGUF tensor ${gguf}`);
  return `model.layers.${m[1]}.${LAYER_NAMES[m[2]]}.${m[3]}`;
}
