/** GGUF v3 data model (spec: ggml docs/gguf.md). Metadata values keep their wire type so files round-trip. */
export const GGUF_MAGIC = 0x46554747; // "GGUF" read as little-endian u32
export const GGUF_VERSION = 3;
export const GGUF_DEFAULT_ALIGNMENT = 32;

export const valueTypeCodes = {
  u8: 0, i8: 1, u16: 2, i16: 3, u32: 4, i32: 5, f32: 6, bool: 7, string: 8, array: 9, u64: 10, i64: 11, f64: 12,
} as const;
export type GgufValueType = keyof typeof valueTypeCodes;
export type GgufScalarType = Exclude<GgufValueType, "array">;
export type GgufScalar = number | bigint | boolean | string;

export type GgufArray =
  | { type: "array"; itemType: GgufScalarType; value: GgufScalar[] }
  | { type: "array"; itemType: "array"; value: GgufArray[] };

export type GgufValue =
  | { type: "u8" | "i8" | "u16" | "i16" | "u32" | "i32" | "f32" | "f64"; value: number }
  | { type: "u64" | "i64"; value: bigint }
  | { type: "bool"; value: boolean }
  | { type: "string"; value: string }
  | GgufArray;

/** Insertion-ordered, like the file. */
export type GgufMetadata = Map<string, GgufValue>;

export interface GgufTensorInfo {
  name: string;
  /** ggml order: dims[0] is the contiguous (fastest) dimension. */
  dims: number[];
  type: GgmlTypeName;
  /** Byte offset relative to the start of the data section. */
  offset: number;
}

export interface GgufFile {
  version: number;
  metadata: GgufMetadata;
  tensors: GgufTensorInfo[];
  alignment: number;
  /** Absolute file offset of the (aligned) tensor data section. */
  dataOffset: number;
}

export interface GgufTensorInput {
  name: string;
  dims: number[];
  type: GgmlTypeName;
  data: Uint8Array;
}

/** ggml tensor types: code, elements per block, bytes per block (gguf-py GGML_QUANT_SIZES). */
export const ggmlTypes = {
  F32: [0, 1, 4], F16: [1, 1, 2], Q4_0: [2, 32, 18], Q4_1: [3, 32, 20], Q5_0: [6, 32, 22], Q5_1: [7, 32, 24],
  Q8_0: [8, 32, 34], Q8_1: [9, 32, 36], Q2_K: [10, 256, 84], Q3_K: [11, 256, 110], Q4_K: [12, 256, 144],
  Q5_K: [13, 256, 176], Q6_K: [14, 256, 210], Q8_K: [15, 256, 292], IQ2_XXS: [16, 256, 66], IQ2_XS: [17, 256, 74],
  IQ3_XXS: [18, 256, 98], IQ1_S: [19, 256, 50], IQ4_NL: [20, 32, 18], IQ3_S: [21, 256, 110], IQ2_S: [22, 256, 82],
  IQ4_XS: [23, 256, 136], I8: [24, 1, 1], I16: [25, 1, 2], I32: [26, 1, 4], I64: [27, 1, 8], F64: [28, 1, 8],
  IQ1_M: [29, 256, 56], BF16: [30, 1, 2], TQ1_0: [34, 256, 54], TQ2_0: [35, 256, 66], MXFP4: [39, 32, 17],
  NVFP4: [40, 64, 36], Q1_0: [41, 128, 18], Q2_0: [42, 64, 18],
} as const satisfies Record<string, readonly [number, number, number]>;
export type GgmlTypeName = keyof typeof ggmlTypes;

const typeNameByCode = new Map<number, GgmlTypeName>(Object.entries(ggmlTypes).map(([name, [code]]) => [code, name as GgmlTypeName]));

export function ggmlTypeName(code: number): GgmlTypeName | undefined {
  return typeNameByCode.get(code);
}

/** Bytes of a tensor's data; throws when dims[0] is not a whole number of blocks. */
export function tensorByteSize(type: GgmlTypeName, dims: number[]): number {
  const [, blockElems, blockBytes] = ggmlTypes[type];
  const elems = dims.reduce((a, b) => a * b, 1);
  if ((dims[0] ?? 1) % blockElems !== 0) throw new Error(`tensor of type ${type} needs dims[0] divisible by ${blockElems}`);
  return (elems / blockElems) * blockBytes;
}

export function alignUp(n: number, alignment: number): number {
  return Math.ceil(n / alignment) * alignment;
}
