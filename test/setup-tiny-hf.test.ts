import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readGguf, readTensorData } from "../src/gguf/reader.ts";
import { readSafetensor, readSafetensorsHeader } from "../src/safetensors/reader.ts";
import { ensureTinyHfModel } from "../src/setup/tiny-hf.ts";
import { ensureTinyModel } from "../src/setup/tiny-model.ts";

const dir = mkdtempSync(join(tmpdir(), "tiny-hf-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const json = (path: string) => JSON.parse(readFileSync(path, "utf8"));

/** The Hugging Face tiny models (real vLLM loads them in test/vllm-parity.test.ts); here, their files. */
describe("tiny model as a Hugging Face directory", () => {
  it("holds the GGUF's tensors for the same seed: same bytes, PyTorch shapes; output.bias becomes an untied lm_head with the masked rows zero", async () => {
    const opts = { seed: 5, layers: 2, width: 128 };
    const { path: gguf } = await ensureTinyModel({ ...opts, out: join(dir, "m.gguf") });
    const { path: hf } = await ensureTinyHfModel({ ...opts, out: join(dir, "hf") });
    const g = readGguf(gguf);
    const st = join(hf, "model.safetensors");
    const index = readSafetensorsHeader(st);
    expect(index.tensors.size).toBe(g.tensors.length); // output.bias out, lm_head.weight in
    const pairs: Array<[string, string]> = [["token_embd.weight", "model.embed_tokens.weight"], ["blk.1.attn_k.weight", "model.layers.1.self_attn.k_proj.weight"], ["blk.0.ffn_down.weight", "model.layers.0.mlp.down_proj.weight"], ["blk.0.attn_q.bias", "model.layers.0.self_attn.q_proj.bias"]];
    for (const [gName, hName] of pairs) {
      const info = g.tensors.find((t) => t.name === gName)!;
      expect(index.tensors.get(hName)!.shape).toEqual([...info.dims].reverse());
      expect(Buffer.from(readSafetensor(st, index, hName)).equals(readTensorData(gguf, g, gName))).toBe(true);
    }
    // lm_head: token_embd's rows, zero exactly where the GGUF's output bias masks the token
    const embd = readTensorData(gguf, g, "token_embd.weight");
    const bias = readTensorData(gguf, g, "output.bias");
    const head = Buffer.from(readSafetensor(st, index, "lm_head.weight"));
    expect(index.tensors.get("lm_head.weight")!.shape).toEqual([151936, 128]);
    const rowBytes = 128 * 2;
    let masked = 0;
    for (let id = 0; id < 151936; id++) {
      const row = head.subarray(id * rowBytes, (id + 1) * rowBytes);
      if (bias.readFloatLE(id * 4) < 0) {
        masked++;
        expect(row.every((b) => b === 0), `row ${id}`).toBe(true);
      } else if (!row.equals(embd.subarray(id * rowBytes, (id + 1) * rowBytes))) {
        throw new Error(`lm_head row ${id} differs from token_embd's`);
      }
    }
    for (const id of [245, 151643, 151645, 151763]) expect(bias.readFloatLE(id * 4), `token ${id} masked`).toBeLessThan(0);
    expect(masked).toBeGreaterThan(271 + 22); // unused ids, special tokens and partial UTF-8 bytes
    const config = json(join(hf, "config.json"));
    expect(config).toMatchObject({ architectures: ["Qwen2ForCausalLM"], hidden_size: 128, num_hidden_layers: 2, num_attention_heads: 2, num_key_value_heads: 1, vocab_size: 151936, tie_word_embeddings: false });
    expect(json(join(hf, "generation_config.json"))).toMatchObject({ eos_token_id: [151645, 151643] });
  });

  it("carries Qwen2.5's tokenizer and tools chat template", async () => {
    const { path: hf } = await ensureTinyHfModel({ seed: 5, layers: 1, width: 64, out: join(dir, "hf1") });
    const tok = json(join(hf, "tokenizer.json"));
    expect(Object.keys(tok.model.vocab)).toHaveLength(151643);
    expect(tok.model.merges).toHaveLength(151387);
    expect(tok.added_tokens.map((t: { id: number }) => t.id)).toEqual(Array.from({ length: 22 }, (_, i) => 151643 + i));
    expect(tok.added_tokens.find((t: { content: string }) => t.content === "<tool_call>")).toMatchObject({ id: 151657, special: false });
    const cfg = json(join(hf, "tokenizer_config.json"));
    expect(cfg).toMatchObject({ eos_token: "<|im_end|>", pad_token: "<|endoftext|>", add_bos_token: false });
    expect(cfg.chat_template).toContain("<tools>");
  });

  it("tiny-moe is a Qwen3-MoE with 8 experts per layer and Qwen3's <think> tokens", async () => {
    const { path: hf } = await ensureTinyHfModel({ seed: 1, layers: 1, width: 64, moe: true, out: join(dir, "moe") });
    expect(json(join(hf, "config.json"))).toMatchObject({ architectures: ["Qwen3MoeForCausalLM"], num_experts: 8, num_experts_per_tok: 2, head_dim: 64 });
    const names = [...readSafetensorsHeader(join(hf, "model.safetensors")).tensors.keys()];
    expect(names.filter((n) => /experts\.\d+\.gate_proj/.test(n))).toHaveLength(8);
    expect(names).toContain("model.layers.0.self_attn.q_norm.weight");
    const added = json(join(hf, "tokenizer.json")).added_tokens.map((t: { id: number; content: string }) => `${t.id}:${t.content}`);
    expect(added).toEqual(expect.arrayContaining(["151667:<think>", "151668:</think>"]));
  });
});
