import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { metaNumber, metaString, readGguf } from "../src/gguf/index.ts";
import { ensureTinyModel } from "../src/setup/tiny-model.ts";

const dir = mkdtempSync(join(tmpdir(), "tiny-model-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function sha(seed: number, name: string): Promise<string> {
  const { path } = await ensureTinyModel({ seed, layers: 1, width: 64, out: join(dir, name) });
  return createHash("sha256").update(readFileSync(path)).digest("hex");
}

describe("tiny model", () => {
  it("is deterministic for a seed and differs across seeds", async () => {
    const a = await sha(7, "a.gguf");
    expect(await sha(7, "b.gguf")).toBe(a);
    expect(await sha(8, "c.gguf")).not.toBe(a);
  });

  it("is a qwen2 model with the Qwen2.5 tokenizer and its tool-aware chat template", async () => {
    const { path } = await ensureTinyModel({ seed: 3, layers: 2, width: 128, out: join(dir, "m.gguf") });
    const { metadata, tensors } = readGguf(path);
    expect(metaString(metadata, "general.architecture")).toBe("qwen2");
    expect(metaNumber(metadata, "qwen2.block_count")).toBe(2);
    expect(metaNumber(metadata, "qwen2.embedding_length")).toBe(128);
    expect(metaNumber(metadata, "qwen2.context_length")).toBe(32768);
    const template = metaString(metadata, "tokenizer.chat_template") ?? "";
    for (const part of ["<tools>", "<tool_call>", "<tool_response>"]) expect(template).toContain(part);
    const tokens = metadata.get("tokenizer.ggml.tokens");
    if (tokens?.type !== "array") throw new Error("no tokens");
    expect(tokens.value[151657]).toBe("<tool_call>");
    expect(tokens.value[metaNumber(metadata, "tokenizer.ggml.eos_token_id")!]).toBe("<|im_end|>");
    const names = tensors.map((t) => t.name);
    expect(names).toContain("blk.1.ffn_down.weight");
    expect(names).not.toContain("output.weight"); // tied to token_embd
    expect(tensors.find((t) => t.name === "token_embd.weight")).toMatchObject({ type: "F16", dims: [128, tokens.value.length] });
  });

  it("rejects a width that is not a multiple of the head size", async () => {
    await expect(ensureTinyModel({ width: 100, out: join(dir, "x.gguf") })).rejects.toThrow(/width 100/);
  });
});
