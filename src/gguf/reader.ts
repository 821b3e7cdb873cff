import { badInput } from "../errors.ts";
import { FileCursor } from "./cursor.ts";
import {
  GGUF_DEFAULT_ALIGNMENT, GGUF_MAGIC, alignUp, ggmlTypeName, tensorByteSize, valueTypeCodes,
  type GgufArray, type GgufFile, type GgufMetadata, type GgufScalar, type GgufScalarType, type GgufTensorInfo,
  type GgufValue, type GgufValueType,
} from "./types.ts";

const typeByCode = new Map<number, GgufValueType>(Object.entries(valueTypeCodes).map(([name, code]) => [code, name as GgufValueType]));

/** Reads a GGUF file's header (metadata and tensor infos); tensor data stays on disk (see readTensorData). */
export function readGguf(path: string): GgufFile {
  const cur = new FileCursor(path);
  try {
    return readHeader(cur);
  } catch (err) {
    if (err instanceof RangeError || err instanceof TypeError) throw badInput(`${path}: not a valid GGUF file: ${err.message}`);
    throw err;
  } finally {
    cur.close();
  }
}

function readHeader(cur: FileCursor): GgufFile {
  if (cur.u32() !== GGUF_MAGIC) throw badInput(`${cur.path}: not a GGUF file (bad magic)`);
  const version = cur.u32();
  if (version !== 2 && version !== 3) throw badInput(`${cur.path}: unsupported GGUF version ${version} (need 2 or 3)`);
  const tensorCount = cur.size();
  const kvCount = cur.size();
  const metadata: GgufMetadata = new Map();
  for (let i = 0; i < kvCount; i++) {
    const key = cur.string();
    metadata.set(key, readValue(cur, valueType(cur.u32())));
  }
  const tensors: GgufTensorInfo[] = [];
  for (let i = 0; i < tensorCount; i++) tensors.push(readTensorInfo(cur));
  const align = metadata.get("general.alignment");
  const alignment = align?.type === "u32" ? align.value : GGUF_DEFAULT_ALIGNMENT;
  return { version, metadata, tensors, alignment, dataOffset: alignUp(cur.pos, alignment) };
}

function valueType(code: number): GgufValueType {
  const type = typeByCode.get(code);
  if (!type) throw new TypeError(`unknown metadata value type ${code}`);
  return type;
}

function readValue(cur: FileCursor, type: GgufValueType): GgufValue {
  if (type === "array") return readArray(cur);
  return { type, value: readScalar(cur, type) } as GgufValue;
}

function readArray(cur: FileCursor): GgufArray {
  const itemType = valueType(cur.u32());
  const count = cur.size();
  if (itemType === "array") {
    const value: GgufArray[] = [];
    for (let i = 0; i < count; i++) value.push(readArray(cur));
    return { type: "array", itemType, value };
  }
  const value: GgufScalar[] = new Array(count);
  for (let i = 0; i < count; i++) value[i] = readScalar(cur, itemType);
  return { type: "array", itemType, value };
}

function readScalar(cur: FileCursor, type: GgufScalarType): GgufScalar {
  switch (type) {
    case "u8": return cur.u8();
    case "i8": return cur.i8();
    case "u16": return cur.u16();
    case "i16": return cur.i16();
    case "u32": return cur.u32();
    case "i32": return cur.i32();
    case "f32": return cur.f32();
    case "f64": return cur.f64();
    case "u64": return cur.u64();
    case "i64": return cur.i64();
    case "bool": return cur.u8() !== 0;
    case "string": return cur.string();
  }
}

function readTensorInfo(cur: FileCursor): GgufTensorInfo {
  const name = cur.string();
  const nDims = cur.u32();
  const dims: number[] = [];
  for (let d = 0; d < nDims; d++) dims.push(cur.size());
  const code = cur.u32();
  const type = ggmlTypeName(code);
  if (!type) throw new TypeError(`tensor ${name}: unknown ggml type ${code}`);
  return { name, dims, type, offset: cur.size() };
}

/** The raw bytes of one tensor. */
export function readTensorData(path: string, file: GgufFile, name: string): Buffer {
  const info = file.tensors.find((t) => t.name === name);
  if (!info) throw badInput(`${path}: no tensor named ${name}`);
  const cur = new FileCursor(path);
  try {
    return cur.bytes(file.dataOffset + info.offset, tensorByteSize(info.type, info.dims));
  } finally {
    cur.close();
  }
}
