const OPEN = "<think>";
const CLOSE = "</think>";

/**
 * Splits inline `<think>...</think>` reasoning out of streamed content. An opening tag counts only before any
 * visible text (models open with it; a later one is more likely code the user asked about). A tag cut by a
 * chunk boundary is held back until the next chunk resolves it.
 */
export class ThinkTagSplitter {
  private inThink = false;
  private sawText = false;
  private carry = "";

  constructor(
    private readonly onText: (text: string) => void,
    private readonly onThinking: (text: string) => void,
  ) {}

  push(chunk: string): void {
    if (this.sawText && !this.inThink) return this.onText(chunk);
    let s = this.carry + chunk;
    this.carry = "";
    for (;;) {
      if (this.inThink) {
        const at = s.indexOf(CLOSE);
        if (at >= 0) {
          if (at > 0) this.onThinking(s.slice(0, at));
          this.inThink = false;
          s = s.slice(at + CLOSE.length);
          continue;
        }
        const keep = partialTagLength(s, CLOSE);
        if (s.length > keep) this.onThinking(s.slice(0, s.length - keep));
        this.carry = s.slice(s.length - keep);
        return;
      }
      const at = s.indexOf(OPEN);
      const head = at >= 0 ? s.slice(0, at) : s.slice(0, s.length - partialTagLength(s, OPEN));
      if (head.trim() !== "") {
        this.sawText = true;
        return this.onText(s);
      }
      if (head) this.onText(head);
      if (at < 0) {
        this.carry = s.slice(head.length);
        return;
      }
      this.inThink = true;
      s = s.slice(at + OPEN.length);
    }
  }

  end(): void {
    const rest = this.carry;
    this.carry = "";
    if (!rest) return;
    if (this.inThink) this.onThinking(rest);
    else this.onText(rest);
  }
}

/** Length of the longest suffix of `s` that is a proper prefix of `tag` (a tag cut by a chunk boundary). */
function partialTagLength(s: string, tag: string): number {
  for (let n = Math.min(s.length, tag.length - 1); n > 0; n--) if (tag.startsWith(s.slice(s.length - n))) return n;
  return 0;
}
