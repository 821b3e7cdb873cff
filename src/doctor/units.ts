/**
 * Prefix comparisons work on a sequence of units: the engine's token ids when it can tokenize, else an
 * estimate of one unit per 4 bytes of the rendered prompt (labelled as such wherever it is shown).
 */
export type UnitSource = "engine" | "estimate";

export function estimateUnits(text: string): number[] {
  const bytes = Buffer.from(text);
  const out = new Array<number>(Math.ceil(bytes.length / 4));
  for (let i = 0, k = 0; i < bytes.length; i += 4, k++) out[k] = bytes.readUIntLE(i, Math.min(4, bytes.length - i));
  return out;
}

export function commonUnits(a: readonly number[], b: readonly number[]): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a[i] === b[i]) i++;
  return i;
}

/**
 * An unbounded prefix cache over units, with vLLM's scheme: chained hashes of full blocks. `lookup` gives the
 * units a request could read from it (leading blocks seen before); `insert` adds a request's blocks.
 */
export class IdealPrefixCache {
  private readonly seen = new Set<string>();
  constructor(private readonly blockSize = 16) {}

  lookup(units: readonly number[]): number {
    let hit = 0;
    this.walk(units, (key) => {
      if (!this.seen.has(key)) return false;
      hit += this.blockSize;
      return true;
    });
    return hit;
  }

  insert(units: readonly number[]): void {
    this.walk(units, (key) => {
      this.seen.add(key);
      return true;
    });
  }

  private walk(units: readonly number[], visit: (key: string) => boolean): void {
    let h1 = 0x811c9dc5;
    let h2 = 0x9e3779b9;
    for (let start = 0; start + this.blockSize <= units.length; start += this.blockSize) {
      for (let i = start; i < start + this.blockSize; i++) {
        h1 = Math.imul(h1 ^ units[i], 0x01000193) >>> 0;
        h2 = Math.imul(h2 ^ units[i], 0x85ebca6b) >>> 0;
      }
      if (!visit(`${h1.toString(36)}.${h2.toString(36)}.${start}`)) return;
    }
  }
}
