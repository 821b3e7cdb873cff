import { closeSync, openSync, readSync } from "node:fs";
import { z } from "zod";

const Entry = z.object({ dtype: z.string(), shape: z.array(z.number().int().nonnegative()), data_offsets: z.tuple([z.number(), z.number()]) });

export interface SafetensorsIndex {
  metadata: Record<string, string>;
  tensors: Map<string, z.infer<typeof Entry>>;
  /** Absolute file offset where tensor data starts. */
  dataStart: number;
}

/** Reads a .safetensors header (not the data). */
export function readSafetensorsHeader(path: string): SafetensorsIndex {
  const fd = openSync(path, "r");
  try {
    const len = Buffer.alloc(8);
    readSync(fd, len, 0, 8, 0);
    const size = Number(len.readBigUInt64LE());
    const json = Buffer.alloc(size);
    readSync(fd, json, 0, size, 8);
    const raw = JSON.parse(json.toString("utf8")) as Record<string, unknown>;
    const tensors = new Map<string, z.infer<typeof Entry>>();
    for (const [name, value] of Object.entries(raw)) if (name !== "__metadata__") tensors.set(name, Entry.parse(value));
    return { metadata: (raw.__metadata__ ?? {}) as Record<string, string>, tensors, dataStart: 8 + size };
  } finally {
    closeSync(fd);
  }
}

/** The raw bytes of one tensor. */
export function readSafetensor(path: string, index: SafetensorsIndex, name: string): Uint8Array {
  const entry = index.tensors.get(name);
  if (!entry) throw new Error(`${path}: no tensor ${name}`);
  const [from, to] = entry.data_offsets;
  const out = Buffer.alloc(to - from);
  const fd = openSync(path, "r");
  try {
    readSync(fd, out, 0, out.length, index.dataStart + from);
  } finally {
    closeSync(fd);
  }
  return out;
}
