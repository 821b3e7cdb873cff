import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  decodeF16, decodeF32, encodeF16, encodeF32, readGguf, readTensorData, writeGguf,
  type GgufMetadata, type GgufTensorInput,
} from "../src/gguf/index.ts";
import { fromHalf, toHalf } from "../src/gguf/f16.ts";

const dir = mkdtempSync(join(tmpdir(), "gguf-test-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const metadata: GgufMetadata = new Map([
  ["general.architecture", { type: "string", value: "test ✓ ünïcode" }],
  ["general.alignment", { type: "u32", value: 64 }],
  ["t.u8", { type: "u8", value: 255 }],
  ["t.i8", { type: "i8", value: -128 }],
  ["t.u16", { type: "u16", value: 65535 }],
  ["t.i16", { type: "i16", value: -32768 }],
  ["t.i32", { type: "i32", value: -2147483648 }],
  ["t.f32", { type: "f32", value: 0.5 }],
  ["t.f64", { type: "f64", value: Math.PI }],
  ["t.u64", { type: "u64", value: 18446744073709551615n }],
  ["t.i64", { type: "i64", value: -9223372036854775808n }],
  ["t.bool", { type: "bool", value: true }],
  ["t.strings", { type: "array", itemType: "string", value: ["a", "", "Ġ Ġ", "<|im_end|>"] }],
  ["t.floats", { type: "array", itemType: "f32", value: [1, -2.5, 1024] }],
  ["t.nested", { type: "array", itemType: "array", value: [
    { type: "array", itemType: "i32", value: [1, 2] },
    { type: "array", itemType: "bool", value: [false] },
  ] }],
  ["t.empty", { type: "array", itemType: "u64", value: [] }],
]);

const f32Values = [0, 1, -1, 3.25, 1e-3];
const f16Values = [0, 1, -2, 0.5, 65504, 2 ** -24];
const tensors: GgufTensorInput[] = [
  { name: "a.f32", dims: [5], type: "F32", data: encodeF32(f32Values) },
  { name: "b.f16", dims: [3, 2], type: "F16", data: encodeF16(f16Values) },
];

describe("GGUF write -> read", () => {
  const path = join(dir, "rt.gguf");
  writeGguf(path, metadata, tensors);
  const file = readGguf(path);

  it("keeps every metadata entry, its type and order", () => {
    expect(file.version).toBe(3);
    expect([...file.metadata.keys()]).toEqual([...metadata.keys()]);
    for (const [key, value] of metadata) {
      const got = file.metadata.get(key)!;
      if (value.type === "f32" && got.type === "f32") expect(got.value).toBeCloseTo(value.value, 6);
      else expect(got).toEqual(value);
    }
  });

  it("keeps tensor infos and data at offsets aligned to general.alignment", () => {
    expect(file.alignment).toBe(64);
    expect(file.dataOffset % 64).toBe(0);
    expect(file.tensors.map((t) => [t.name, t.dims, t.type])).toEqual([["a.f32", [5], "F32"], ["b.f16", [3, 2], "F16"]]);
    for (const t of file.tensors) expect(t.offset % 64).toBe(0);
    expect(decodeF32(readTensorData(path, file, "a.f32"))).toEqual(Float32Array.from(f32Values));
    expect(decodeF16(readTensorData(path, file, "b.f16"))).toEqual(Float32Array.from(f16Values));
  });

  it("writes the same bytes when rewriting what it read", () => {
    const again = join(dir, "rt2.gguf");
    writeGguf(again, file.metadata, file.tensors.map((t) => ({ ...t, data: readTensorData(path, file, t.name) })));
    expect(readFileSync(again).equals(readFileSync(path))).toBe(true);
  });

  it("rejects a file that is not GGUF, naming it", () => {
    const notGguf = join(dir, "not.gguf");
    writeGguf(notGguf, new Map(), []);
    const bytes = readFileSync(notGguf);
    bytes.write("GGUX", 0);
    writeFileSync(notGguf, bytes);
    expect(() => readGguf(notGguf)).toThrow(/not\.gguf: not a GGUF file/);
  });
});

describe("F16 conversion", () => {
  it("encodes like IEEE half with round-to-nearest-even", () => {
    expect(toHalf(1)).toBe(0x3c00);
    expect(toHalf(-2)).toBe(0xc000);
    expect(toHalf(65504)).toBe(0x7bff);
    expect(toHalf(1e6)).toBe(0x7c00);
    expect(toHalf(2 ** -24)).toBe(0x0001);
    expect(toHalf(2 ** -26)).toBe(0);
    expect(toHalf(1 + 2 ** -11)).toBe(0x3c00); // tie rounds to even
    expect(toHalf(1 + 3 * 2 ** -11)).toBe(0x3c02);
    expect(Number.isNaN(fromHalf(toHalf(NaN)))).toBe(true);
  });

  it("decodes every finite half back to itself", () => {
    const mismatches: number[] = [];
    for (let h = 0; h < 0x10000; h++) {
      const v = fromHalf(h);
      if (Number.isFinite(v) && h !== 0x8000 && toHalf(v) !== h) mismatches.push(h);
    }
    expect(mismatches).toEqual([]);
  });
});
