import { encodeF32 } from "../gguf/f16.ts";
import type { SafetensorsTensor } from "../safetensors/writer.ts";
import { randomF16, seededRandom } from "./random.ts";
import { HEAD_DIM, WEIGHT_STD } from "./tiny-model.ts";

/** Qwen3's added tokens after Qwen2.5's, at 151665..151668 as in Qwen3's tokenizer (for its reasoning parser). */
export const QWEN3_ADDED = ["<tool_response>", "</tool_response>", "<think>", "</think>"];
const EXPERTS = 8;
const EXPERTS_PER_TOKEN = 2;

/** A random-weight Qwen3MoeForCausalLM: every layer sparse, 8 experts, top-2, q/k norms, no attention bias. */
export function tinyQwen3Moe(o: { seed: number; layers: number; width: number; vocab: number }): { config: Record<string, unknown>; tensors: SafetensorsTensor[] } {
  const heads = o.width / HEAD_DIM;
  const kvHeads = heads % 2 === 0 ? heads / 2 : heads;
  const expertFfn = o.width;
  const rand = seededRandom(o.seed);
  const weight = (name: string, shape: [number, number]): SafetensorsTensor =>
    ({ name, dtype: "F16", shape, data: randomF16(rand, shape[0] * shape[1], WEIGHT_STD) });
  const ones = (name: string, n: number): SafetensorsTensor => ({ name, dtype: "F32", shape: [n], data: encodeF32(new Float32Array(n).fill(1)) });
  const tensors: SafetensorsTensor[] = [weight("model.embed_tokens.weight", [o.vocab, o.width])];
  for (let i = 0; i < o.layers; i++) {
    const p = `model.layers.${i}`;
    tensors.push(
      ones(`${p}.input_layernorm.weight`, o.width),
      weight(`${p}.self_attn.q_proj.weight`, [heads * HEAD_DIM, o.width]),
      weight(`${p}.self_attn.k_proj.weight`, [kvHeads * HEAD_DIM, o.width]),
      weight(`${p}.self_attn.v_proj.weight`, [kvHeads * HEAD_DIM, o.width]),
      weight(`${p}.self_attn.o_proj.weight`, [o.width, heads * HEAD_DIM]),
      ones(`${p}.self_attn.q_norm.weight`, HEAD_DIM),
      ones(`${p}.self_attn.k_norm.weight`, HEAD_DIM),
      ones(`${p}.post_attention_layernorm.weight`, o.width),
      weight(`${p}.mlp.gate.weight`, [EXPERTS, o.width]),
    );
    for (let e = 0; e < EXPERTS; e++) {
      const x = `${p}.mlp.experts.${e}`;
      tensors.push(
        weight(`${x}.gate_proj.weight`, [expertFfn, o.width]),
        weight(`${x}.up_proj.weight`, [expertFfn, o.width]),
        weight(`${x}.down_proj.weight`, [o.width, expertFfn]),
      );
    }
  }
  tensors.push(ones("model.norm.weight", o.width));
  const config = {
    architectures: ["Qwen3MoeForCausalLM"], model_type: "qwen3_moe",
    hidden_size: o.width, intermediate_size: o.width * 2, moe_intermediate_size: expertFfn, num_hidden_layers: o.layers,
    num_attention_heads: heads, num_key_value_heads: kvHeads, head_dim: HEAD_DIM,
    num_experts: EXPERTS, num_experts_per_tok: EXPERTS_PER_TOKEN, decoder_sparse_step: 1, mlp_only_layers: [], norm_topk_prob: true,
    hidden_act: "silu", rope_theta: 1_000_000, attention_bias: false, attention_dropout: 0, use_sliding_window: false,
    output_router_logits: false, router_aux_loss_coef: 0.001, initializer_range: 0.02, use_cache: true,
  };
  return { config, tensors };
}
