import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { metaNumber, metaString, readGguf, writeGguf, type GgufFile } from "../src/gguf/index.ts";
import { ensureLlamaSource } from "../src/setup/source.ts";

let vocabPath: string;
let vocab: GgufFile;
const dir = mkdtempSync(join(tmpdir(), "gguf-vocab-"));

beforeAll(async () => {
  const { srcDir } = await ensureLlamaSource();
  vocabPath = join(srcDir, "models", "ggml-vocab-qwen2.gguf");
  vocab = readGguf(vocabPath);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("reading llama.cpp's ggml-vocab-qwen2.gguf", () => {
  it("reads the Qwen2 tokenizer: tokens, types, merges", () => {
    expect(metaString(vocab.metadata, "general.architecture")).toBe("qwen2");
    expect(metaString(vocab.metadata, "tokenizer.ggml.model")).toBe("gpt2");
    expect(metaString(vocab.metadata, "tokenizer.ggml.pre")).toBe("qwen2");
    const tokens = vocab.metadata.get("tokenizer.ggml.tokens");
    const types = vocab.metadata.get("tokenizer.ggml.token_type");
    const merges = vocab.metadata.get("tokenizer.ggml.merges");
    if (tokens?.type !== "array" || types?.type !== "array" || merges?.type !== "array") throw new Error("tokenizer arrays missing");
    expect(tokens.itemType).toBe("string");
    expect(tokens.value.length).toBeGreaterThan(150_000);
    expect(types.value.length).toBe(tokens.value.length);
    expect(merges.value.length).toBeGreaterThan(150_000);
    const eos = metaNumber(vocab.metadata, "tokenizer.ggml.eos_token_id")!;
    expect(tokens.value[eos]).toBe("<|endoftext|>");
    expect(tokens.value[9707]).toBe("Hello");
    expect(vocab.tensors).toEqual([]);
  });

  it("writes it back byte for byte", () => {
    const copy = join(dir, "copy.gguf");
    writeGguf(copy, vocab.metadata, []);
    expect(readFileSync(copy).equals(readFileSync(vocabPath))).toBe(true);
  });
});
