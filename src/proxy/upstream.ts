import { Agent, request, type Dispatcher } from "undici";
import { ENGINE_KEEP_ALIVE, staleSocketRetry } from "../client/stale-socket-retry.ts";
import { EngineStreamHandler, type StreamHandle, type StreamSink } from "./engine-stream.ts";
import { ProxyError } from "./errors.ts";

export interface UpstreamOptions {
  /** Engine base URL, with or without `/v1`. */
  url: string;
  /** Sent as `Authorization: Bearer` (vLLM and llama-server both accept it). */
  key?: string;
  /** Headers and body idle timeout; a long prefill delays llama-server's headers. */
  timeoutMs: number;
}

export type UpstreamResponse = Dispatcher.ResponseData;

/** One keep-alive connection pool to the engine, shared by every request of the proxy. */
export class Upstream {
  readonly root: string;
  private readonly origin: string;
  private readonly basePath: string;
  private readonly agent: Dispatcher;
  private readonly headers: Record<string, string>;
  /** Called when the engine cannot be reached (it may be restarting with other settings). */
  onUnreachable: () => void = () => {};

  constructor(options: UpstreamOptions) {
    this.root = engineRoot(options.url);
    const url = new URL(this.root);
    this.origin = url.origin;
    this.basePath = url.pathname.replace(/\/$/, "");
    this.agent = new Agent({
      ...ENGINE_KEEP_ALIVE,
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
    }).compose(staleSocketRetry);
    this.headers = { "content-type": "application/json", accept: "application/json, text/event-stream" };
    if (options.key) this.headers.authorization = `Bearer ${options.key}`;
  }

  /** POST a JSON body; connection failures become the 529 the client retries on. */
  post(path: string, body: string, signal?: AbortSignal): Promise<UpstreamResponse> {
    return this.send("POST", path, body, signal);
  }

  /** GET/POST returning parsed JSON on 2xx, or undefined on any other status (for probing optional endpoints). */
  async json<T>(method: "GET" | "POST", path: string, body?: unknown): Promise<T | undefined> {
    const res = await this.send(method, path, body === undefined ? undefined : JSON.stringify(body));
    if (res.statusCode < 200 || res.statusCode >= 300) {
      await res.body.dump();
      return undefined;
    }
    return (await res.body.json()) as T;
  }

  /**
   * POST with the response delivered to `sink` chunk by chunk (the streaming hot path: no stream objects);
   * `extra` headers go along (the lab's simulator-clock headers, see src/util/sim-clock-protocol.ts).
   */
  stream(path: string, body: string, sink: StreamSink, extra?: Record<string, string>): StreamHandle {
    const handler = new EngineStreamHandler(sink, () => this.onUnreachable(), connectionError);
    const headers = extra ? { ...this.headers, ...extra } : this.headers;
    try {
      this.agent.dispatch({ origin: this.origin, path: this.basePath + path, method: "POST", headers, body }, handler);
    } catch (err) {
      queueMicrotask(() => handler.onResponseError(undefined, err as Error));
    }
    return handler;
  }

  /** Drops pooled and in-flight connections (the proxy is shutting down). */
  close(): Promise<void> {
    return this.agent.destroy();
  }

  private async send(method: "GET" | "POST", path: string, body: string | undefined, signal?: AbortSignal) {
    try {
      return await request(this.root + path, { method, body, headers: this.headers, signal, dispatcher: this.agent });
    } catch (err) {
      const error = connectionError(err);
      if (isConnectionFailure(error)) this.onUnreachable();
      throw error;
    }
  }
}

/** `http://h:8000/v1/` and `http://h:8000` both give `http://h:8000`. */
export function engineRoot(url: string): string {
  return url.replace(/\/+$/, "").replace(/\/v1$/, "");
}

/** A failed connection attempt as the 529 clients retry on (timeouts as 504); aborts pass through. */
function connectionError(err: unknown): Error {
  const e = err as { name?: string; code?: string; message?: string };
  if (e.name === "AbortError") return err as Error;
  if (e.code === "UND_ERR_HEADERS_TIMEOUT") return new ProxyError(504, "the engine did not answer in time");
  if (e.code === "UND_ERR_BODY_TIMEOUT") return new ProxyError(504, "the engine went silent");
  return new ProxyError(529, `the engine is unreachable (${e.code ?? e.message ?? "connection failed"})`);
}

export function isConnectionFailure(err: unknown): boolean {
  return err instanceof ProxyError && err.status === 529;
}
