import { createHash } from "node:crypto";

/** Words that are one token each (with their leading space) in common BPE vocabularies, so counts stay stable. */
const WORDS = (
  "the a file code test run type error function class build cache server request token memory batch queue " +
  "prefix context window stream chunk graph kernel grid point user answer model tool edit read call wait short " +
  "data time line name value list path check update change fix add remove return import export module config"
).split(" ");

/** Deterministic pseudo-random generator seeded by a string (salt plus a label), so each part differs per salt. */
export function rng(seed: string): () => number {
  let x = createHash("sha256").update(seed).digest().readUInt32LE(0) || 1;
  return () => {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    return x >>> 8;
  };
}

/** `count` words of filler prose, different for every seed. */
export function fillerWords(count: number, seed: string): string {
  const next = rng(seed);
  const out: string[] = [];
  for (let i = 0; i < count; i++) out.push(WORDS[next() % WORDS.length]);
  return out.join(" ");
}

/** `lines` lines of code-like text (what a Read or Bash tool result looks like). */
export function fillerCode(lines: number, seed: string): string {
  const next = rng(seed);
  const out: string[] = [];
  for (let i = 1; i <= lines; i++) {
    const a = WORDS[next() % WORDS.length];
    const b = WORDS[next() % WORDS.length];
    out.push(`${String(i).padStart(5)}\t${"  ".repeat(next() % 3)}const ${a}_${b} = ${b}(${a}, ${next() % 100});`);
  }
  return out.join("\n");
}

/** Short hex string from the generator (ids, hashes). */
export function hex(next: () => number, length: number): string {
  let s = "";
  while (s.length < length) s += next().toString(16).padStart(6, "0");
  return s.slice(0, length);
}
