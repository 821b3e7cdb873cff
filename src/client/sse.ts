/**
 * The one Server-Sent-Events parser of the lab, used by the benchmark clients and by the proxy: network chunks
 * in (Buffers, decoded as a UTF-8 stream, or strings), each event's `data` (several data lines joined by "\n")
 * and its `event:` name out when the event's blank line arrives, as the SSE specification dispatches. CRLF or
 * LF line ends; comments, `id:` and `retry:` are ignored. One decode per chunk, then index scans in one loop:
 * no per-line regex, no intermediate arrays (this runs for every streamed token).
 */
/** Up to this size Buffer#toString beats TextDecoder (per-call cost); above it TextDecoder is faster. */
const SMALL_CHUNK = 2048;

export class SseParser {
  private rest = "";
  private data: string | undefined;
  private event: string | undefined;
  private readonly decoder = new TextDecoder();
  /** The last chunk may have ended inside a character: the decoder holds its first bytes. */
  private split = false;

  constructor(private readonly onEvent: (data: string, event: string | undefined) => void) {}

  push(chunk: Buffer | string): void {
    const decoded = typeof chunk === "string" ? chunk : this.decode(chunk);
    this.scan(this.rest ? this.rest + decoded : decoded, false);
  }

  /** End of stream: a last line without its newline, and a last event without its blank line, still count. */
  end(): void {
    const rest = this.rest + this.decoder.decode();
    this.rest = "";
    this.scan(rest + "\n\n", true);
  }

  private scan(text: string, final: boolean): void {
    let { data, event } = this;
    let start = 0;
    let nl = text.indexOf("\n");
    while (nl !== -1) {
      const end = nl > start && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
      if (end === start) {
        if (data !== undefined) {
          const payload = data;
          const name = event;
          data = event = undefined;
          this.onEvent(payload, name);
        } else event = undefined;
      } else if (text.startsWith("data:", start)) {
        const value = text.slice(text.charCodeAt(start + 5) === 32 ? start + 6 : start + 5, end);
        data = data === undefined ? value : `${data}\n${value}`;
      } else if (text.startsWith("event:", start)) {
        event = text.slice(text.charCodeAt(start + 6) === 32 ? start + 7 : start + 6, end);
      }
      start = nl + 1;
      nl = text.indexOf("\n", start);
    }
    this.data = data;
    this.event = event;
    this.rest = final || start >= text.length ? "" : text.slice(start);
  }

  /**
   * A chunk that ends on a whole character (nearly all do: SSE lines end in "\n") leaves the stream decoder
   * empty, so a small one (a proxy's single event) can take the cheaper Buffer decode; big ones decode faster
   * through TextDecoder, and one that ends inside a character must (it keeps the character's first bytes).
   */
  private decode(chunk: Buffer): string {
    const whole = chunk.length > 0 && chunk[chunk.length - 1] < 0x80;
    if (!this.split && whole && chunk.length <= SMALL_CHUNK) return chunk.toString("utf8");
    this.split = !whole;
    return this.decoder.decode(chunk, { stream: true });
  }
}
