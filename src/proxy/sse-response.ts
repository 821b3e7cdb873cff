import type { ServerResponse } from "node:http";
import { PING } from "./sse-events.ts";

const SSE_HEADERS = { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache" };

/**
 * The client side of a stream: commits the 200 once, then pings so that no silence lasts longer than
 * `pingMs` (ticks every half interval; a tick pings when nothing was written since the previous tick).
 */
export class SseResponse {
  committed = false;
  private wrote = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly res: ServerResponse,
    private readonly pingMs: number,
  ) {}

  commit(first: string): void {
    if (this.committed || this.res.destroyed || this.res.headersSent) return;
    this.committed = true;
    // Corked until the next tick: when the engine's first chunk arrives with its headers, message_start
    // and the first delta leave in one write.
    this.res.cork();
    this.res.writeHead(200, SSE_HEADERS);
    this.write(first);
    process.nextTick(() => this.res.uncork());
    this.timer = setInterval(() => this.ping(), this.pingMs / 2);
  }

  /** false = the client is slow; wait for `drain` before writing more. */
  write(text: string): boolean {
    this.wrote = true;
    return this.res.write(text);
  }

  onDrain(resume: () => void): void {
    this.res.once("drain", resume);
  }

  end(last: string): void {
    this.stop();
    if (this.res.destroyed) return;
    this.res.end(last);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private ping(): void {
    if (!this.wrote && !this.res.destroyed) this.res.write(PING);
    this.wrote = false;
  }
}
