/**
 * GPT-2 byte-level BPE (Qwen's tokenizer) writes each byte as one printable character. A token whose bytes are not
 * complete UTF-8 (a lone continuation byte, half a CJK character) only becomes text together with its neighbours:
 * a random-weight model that emits such tokens streams nothing at all, so the tiny model is kept from them.
 */
const CHAR_TO_BYTE: Map<string, number> = (() => {
  const printable = [...range(0x21, 0x7e), ...range(0xa1, 0xac), ...range(0xae, 0xff)];
  const map = new Map<string, number>();
  let extra = 0;
  for (let b = 0; b < 256; b++) {
    const code = printable.includes(b) ? b : 256 + extra++;
    map.set(String.fromCodePoint(code), b);
  }
  return map;
})();

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

const strict = new TextDecoder("utf-8", { fatal: true });

/** True when the token's bytes are complete, valid UTF-8 on their own. */
export function isCompleteUtf8Token(token: string): boolean {
  const bytes: number[] = [];
  for (const ch of token) {
    const b = CHAR_TO_BYTE.get(ch);
    if (b === undefined) return true; // not a byte-level token (special or added token text)
    bytes.push(b);
  }
  try {
    strict.decode(Uint8Array.from(bytes));
    return true;
  } catch {
    return false;
  }
}
