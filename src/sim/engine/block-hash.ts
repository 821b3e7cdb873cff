/**
 * Hash chain of full KV blocks, as vLLM's prefix cache keys them: a block's hash covers its tokens and the hash
 * of the block before it, so equal hashes mean equal prefixes. Two independent 32-bit lanes make a 64-bit key.
 */
export function chainBlockHashes(tokens: readonly number[], blockSize: number, into: string[]): void {
  const full = Math.floor(tokens.length / blockSize);
  let [h1, h2] = into.length > 0 ? into[into.length - 1].split(".").map((x) => Number.parseInt(x, 36)) : [0x811c9dc5, 0x9747b28c];
  for (let b = into.length; b < full; b++) {
    for (let i = b * blockSize; i < (b + 1) * blockSize; i++) {
      const t = tokens[i];
      h1 = Math.imul(h1 ^ t, 0x01000193) >>> 0;
      h2 = Math.imul(h2 ^ (t + 0x9e3779b9), 0x5bd1e995);
      h2 = (h2 ^ (h2 >>> 15)) >>> 0;
    }
    into.push(`${h1.toString(36)}.${h2.toString(36)}`);
  }
}
