import type { IncomingHttpHeaders } from "node:http";
import type { AnthropicUsage } from "./finish.ts";

/** One /v1/messages exchange as the proxy saw it, for observers (the trace recorder, the cache doctor). */
export interface Exchange {
  headers: IncomingHttpHeaders;
  /** The request body as received (parsed JSON, unknown fields kept). */
  body: unknown;
  /** Exactly what was sent to the engine. */
  engineBody: string;
  /** performance.now() once the request was read. */
  receivedAt: number;
  receivedWall: string;
}

export interface ExchangeResult {
  /** What the client got: 200, or the error status sent instead. */
  status: number;
  usage?: AnthropicUsage;
  stopReason?: string;
  /** performance.now() of the first content block sent to the client. */
  firstContentAt?: number;
  endedAt: number;
  error?: string;
}

export interface ExchangeWatch {
  firstContent(): void;
  end(result: Omit<ExchangeResult, "endedAt" | "firstContentAt">): void;
}

export interface ProxyObserver {
  begin(exchange: Exchange): { end(result: ExchangeResult): void };
  /** The proxy is closing (flush and release files). */
  close?(): void;
}

/** Fans one exchange out to every observer; undefined (no cost on the hot path) when there are none. */
export function watchExchange(observers: readonly ProxyObserver[], exchange: Omit<Exchange, "receivedWall">): ExchangeWatch | undefined {
  if (!observers.length) return undefined;
  const handles = observers.map((o) => o.begin({ ...exchange, receivedWall: new Date(performance.timeOrigin + exchange.receivedAt).toISOString() }));
  let firstContentAt: number | undefined;
  let ended = false;
  return {
    firstContent() {
      firstContentAt ??= performance.now();
    },
    end(result) {
      if (ended) return;
      ended = true;
      const full = { ...result, firstContentAt, endedAt: performance.now() };
      for (const h of handles) h.end(full);
    },
  };
}
