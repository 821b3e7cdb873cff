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
 * Block hashes (two 32-bit halves) live in an open-addressing table of typed arrays: millions of blocks make
 * no garbage for the collector, which would otherwise pause a replay that runs right after planning.
 */
export class IdealPrefixCache {
  private keys = new Uint32Array(1 << 16);
  private used = 0;
  constructor(private readonly blockSize = 16) {}

  lookup(units: readonly number[]): number {
    let hit = 0;
    this.walk(units, (a, b) => {
      if (!this.has(a, b)) return false;
      hit += this.blockSize;
      return true;
    });
    return hit;
  }

  insert(units: readonly number[]): void {
    this.walk(units, (a, b) => {
      this.add(a, b);
      return true;
    });
  }

  private walk(units: readonly number[], visit: (a: number, b: number) => boolean): void {
    let h1 = 0x811c9dc5;
    let h2 = 0x9e3779b9;
    for (let start = 0; start + this.blockSize <= units.length; start += this.blockSize) {
      for (let i = start; i < start + this.blockSize; i++) {
        h1 = Math.imul(h1 ^ units[i], 0x01000193) >>> 0;
        h2 = Math.imul(h2 ^ units[i] ^ (h1 >>> 15), 0x85ebca6b) >>> 0;
      }
      // 0 marks an empty slot.
      if (!visit(h1 || 1, h2)) return;
    }
  }

  private slot(a: number, b: number): number {
    const mask = (this.keys.length >> 1) - 1;
    let i = (a ^ Math.imul(b, 0x9e3779b1)) & mask;
    while (this.keys[2 * i] !== 0 && (this.keys[2 * i] !== a || this.keys[2 * i + 1] !== b)) i = (i + 1) & mask;
    return i;
  }

  private has(a: number, b: number): boolean {
    return this.keys[2 * this.slot(a, b)] !== 0;
  }

  private add(a: number, b: number): void {
    if (2 * (this.used + 1) > (this.keys.length >> 1)) this.grow();
    const i = this.slot(a, b);
    if (this.keys[2 * i] !== 0) return;
    this.keys[2 * i] = a;
    this.keys[2 * i + 1] = b;
    this.used++;
  }

  private grow(): void {
    const old = this.keys;
    this.keys = new Uint32Array(old.length * 2);
    for (let i = 0; i < old.length; i += 2) {
      if (old[i] === 0) continue;
      const j = this.slot(old[i], old[i + 1]);
      this.keys[2 * j] = old[i];
      this.keys[2 * j + 1] = old[i + 1];
    }
  }
}
