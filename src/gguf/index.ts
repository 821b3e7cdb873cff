export * from "./types.ts";
export { readGguf, readTensorData } from "./reader.ts";
export { writeGguf } from "./writer.ts";
export { encodeF16, decodeF16, encodeF32, decodeF32 } from "./f16.ts";
export { metaString, metaNumber } from "./meta.ts";
