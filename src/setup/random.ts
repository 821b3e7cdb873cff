import { toHalf } from "../gguf/f16.ts";

/** mulberry32: a tiny seeded PRNG; same seed, same sequence on every platform (integer ops only). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * F16 tensor data of `count` values, uniform with standard deviation `std` (uniform, not Gaussian, so only
 * exact arithmetic is involved and the bytes are identical everywhere).
 */
export function randomF16(rand: () => number, count: number, std: number): Uint8Array {
  const halfWidth = std * Math.sqrt(3);
  const out = new Uint16Array(count);
  for (let i = 0; i < count; i++) out[i] = toHalf((rand() * 2 - 1) * halfWidth);
  return new Uint8Array(out.buffer);
}
