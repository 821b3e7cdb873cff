const LF = 10;
const CR = 13;
const COLON = 58;
const SPACE = 32;
const DATA = Buffer.from("data:");

/**
 * Incremental Server-Sent-Events parser over raw Buffers: hands each event's `data` payload to `onData`.
 * Only a line split across two network chunks is copied; other fields (event:, id:, retry:) are ignored
 * because OpenAI-style streams carry everything in `data`.
 */
export class SseParser {
  private rest: Buffer | undefined;
  private data: string | undefined;

  constructor(private readonly onData: (data: string) => void) {}

  push(chunk: Buffer): void {
    let buf = chunk;
    if (this.rest) {
      buf = Buffer.concat([this.rest, chunk]);
      this.rest = undefined;
    }
    let start = 0;
    for (;;) {
      const nl = buf.indexOf(LF, start);
      if (nl < 0) break;
      const end = nl > start && buf[nl - 1] === CR ? nl - 1 : nl;
      this.line(buf, start, end);
      start = nl + 1;
    }
    if (start < buf.length) this.rest = buf.subarray(start);
  }

  /** End of stream: a last event without its blank line still counts. */
  end(): void {
    if (this.rest) {
      const rest = this.rest;
      this.rest = undefined;
      this.line(rest, 0, rest[rest.length - 1] === CR ? rest.length - 1 : rest.length);
    }
    this.dispatch();
  }

  private line(buf: Buffer, start: number, end: number): void {
    if (start === end) return this.dispatch();
    if (buf[start] === COLON) return;
    if (end - start < 5 || buf.compare(DATA, 0, 5, start, start + 5) !== 0) return;
    let from = start + 5;
    if (buf[from] === SPACE) from++;
    const value = buf.toString("utf8", from, end);
    this.data = this.data === undefined ? value : `${this.data}\n${value}`;
  }

  private dispatch(): void {
    if (this.data === undefined) return;
    const data = this.data;
    this.data = undefined;
    this.onData(data);
  }
}
