/**
 * Incremental server-sent-events splitter over a byte stream: calls `onData` with each `data:` payload and
 * the current `event:` name, as soon as its line is complete. No per-line regex, no intermediate arrays.
 */
export class SseSplitter {
  private rest = "";
  private event: string | undefined;
  constructor(
    private readonly onData: (data: string, event: string | undefined) => void,
  ) {}

  push(chunk: string): void {
    const text = this.rest ? this.rest + chunk : chunk;
    let start = 0;
    let nl = text.indexOf("\n", start);
    while (nl !== -1) {
      let end = nl;
      if (end > start && text.charCodeAt(end - 1) === 13) end--;
      this.line(text, start, end);
      start = nl + 1;
      nl = text.indexOf("\n", start);
    }
    this.rest = start < text.length ? text.slice(start) : "";
  }

  private line(text: string, start: number, end: number): void {
    if (end === start) {
      this.event = undefined;
      return;
    }
    if (text.startsWith("data:", start)) {
      const from = text.charCodeAt(start + 5) === 32 ? start + 6 : start + 5;
      this.onData(text.slice(from, end), this.event);
    } else if (text.startsWith("event:", start)) {
      const from = text.charCodeAt(start + 6) === 32 ? start + 7 : start + 6;
      this.event = text.slice(from, end);
    }
  }
}
