import { closeSync, openSync, writeSync } from "node:fs";

export type SafetensorsDtype = "F16" | "BF16" | "F32";
const BYTES: Record<SafetensorsDtype, number> = { F16: 2, BF16: 2, F32: 4 };

export interface SafetensorsTensor {
  name: string;
  dtype: SafetensorsDtype;
  /** Row-major shape, outermost first (PyTorch order). */
  shape: number[];
  /** Raw little-endian values. */
  data: Uint8Array;
}

/**
 * Writes a .safetensors file: an 8-byte little-endian header length, the JSON header (dtype, shape and byte
 * range of each tensor, padded with spaces to a multiple of 8), then the tensors' bytes back to back.
 */
export function writeSafetensors(path: string, tensors: SafetensorsTensor[], metadata: Record<string, string> = { format: "pt" }): void {
  const header: Record<string, unknown> = { __metadata__: metadata };
  let offset = 0;
  for (const t of tensors) {
    const size = t.shape.reduce((a, b) => a * b, 1) * BYTES[t.dtype];
    if (t.data.length !== size) throw new Error(`tensor ${t.name}: ${t.data.length} bytes of data, expected ${size}`);
    if (t.name in header) throw new Error(`tensor ${t.name} appears twice`);
    header[t.name] = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + size] };
    offset += size;
  }
  let json = JSON.stringify(header);
  json += " ".repeat((8 - (Buffer.byteLength(json) % 8)) % 8);
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(Buffer.byteLength(json)));
  const fd = openSync(path, "w");
  try {
    writeSync(fd, length);
    writeSync(fd, json);
    for (const t of tensors) writeSync(fd, t.data);
  } finally {
    closeSync(fd);
  }
}
