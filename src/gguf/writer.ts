import { closeSync, openSync, writeSync } from "node:fs";
import { ByteWriter } from "./byte-writer.ts";
import {
  GGUF_DEFAULT_ALIGNMENT, GGUF_MAGIC, GGUF_VERSION, alignUp, ggmlTypes, tensorByteSize, valueTypeCodes,
  type GgufArray, type GgufMetadata, type GgufScalar, type GgufScalarType, type GgufTensorInput, type GgufValue,
} from "./types.ts";

/** Writes a GGUF v3 file: header, tensor infos, then each tensor's data at its aligned offset. */
export function writeGguf(path: string, metadata: GgufMetadata, tensors: GgufTensorInput[]): void {
  const align = metadata.get("general.alignment");
  const alignment = align?.type === "u32" ? align.value : GGUF_DEFAULT_ALIGNMENT;
  const header = encodeHeader(metadata, tensors, alignment);
  const fd = openSync(path, "w");
  try {
    writeSync(fd, header);
    let written = 0;
    for (const t of tensors) {
      const start = alignUp(written, alignment);
      if (start > written) writeSync(fd, Buffer.alloc(start - written));
      writeSync(fd, t.data);
      written = start + t.data.length;
    }
  } finally {
    closeSync(fd);
  }
}

function encodeHeader(metadata: GgufMetadata, tensors: GgufTensorInput[], alignment: number): Buffer {
  const w = new ByteWriter();
  w.u32(GGUF_MAGIC);
  w.u32(GGUF_VERSION);
  w.u64(tensors.length);
  w.u64(metadata.size);
  for (const [key, value] of metadata) {
    w.string(key);
    w.u32(valueTypeCodes[value.type]);
    writeValue(w, value);
  }
  let offset = 0;
  for (const t of tensors) {
    const size = tensorByteSize(t.type, t.dims);
    if (t.data.length !== size) throw new Error(`tensor ${t.name}: ${t.data.length} bytes of data, expected ${size}`);
    offset = alignUp(offset, alignment);
    w.string(t.name);
    w.u32(t.dims.length);
    for (const d of t.dims) w.u64(d);
    w.u32(ggmlTypes[t.type][0]);
    w.u64(offset);
    offset += size;
  }
  if (tensors.length > 0) w.padTo(alignment); // gguf-py leaves a tensor-less file unpadded
  return w.bytes();
}

function writeValue(w: ByteWriter, v: GgufValue): void {
  if (v.type === "array") writeArray(w, v);
  else writeScalar(w, v.type, v.value);
}

function writeArray(w: ByteWriter, arr: GgufArray): void {
  w.u32(valueTypeCodes[arr.itemType]);
  w.u64(arr.value.length);
  if (arr.itemType === "array") for (const item of arr.value as GgufArray[]) writeArray(w, item);
  else for (const item of arr.value as GgufScalar[]) writeScalar(w, arr.itemType, item);
}

function writeScalar(w: ByteWriter, type: GgufScalarType, v: GgufScalar): void {
  switch (type) {
    case "u64": return w.u64(v as bigint);
    case "i64": return w.i64(v as bigint);
    case "bool": return w.u8(v ? 1 : 0);
    case "string": return w.string(v as string);
    default: return w[type](v as number);
  }
}
