import type { ServerResponse } from "node:http";

/** Server-sent events as vLLM writes them: `data: {json}\n\n`, Anthropic-style `event:` lines when named. */
export class SseWriter {
  private opened = false;

  constructor(private readonly res: ServerResponse) {}

  /** Sends the 200 and headers (idempotent; the first event also does it). */
  open(): void {
    if (this.opened) return;
    this.opened = true;
    this.res.writeHead(200, { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache", connection: "keep-alive" });
  }

  data(payload: unknown): void {
    this.open();
    this.res.write(`data: ${JSON.stringify(payload)}\n\n`);
  }

  event(name: string, payload: unknown): void {
    this.open();
    this.res.write(`event: ${name}\ndata: ${JSON.stringify(payload)}\n\n`);
  }

  done(): void {
    this.open();
    this.res.end("data: [DONE]\n\n");
  }

  end(): void {
    this.open();
    this.res.end();
  }
}
