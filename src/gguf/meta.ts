import type { GgufMetadata } from "./types.ts";

/** A metadata string, or undefined when absent or not a string. */
export function metaString(metadata: GgufMetadata, key: string): string | undefined {
  const v = metadata.get(key);
  return v?.type === "string" ? v.value : undefined;
}

/** A numeric metadata value (any integer or float type) as a number, or undefined. */
export function metaNumber(metadata: GgufMetadata, key: string): number | undefined {
  const v = metadata.get(key);
  if (!v || v.type === "array" || v.type === "string" || v.type === "bool") return undefined;
  return Number(v.value);
}
