import type { IncomingHttpHeaders } from "node:http";
import type { Duplex } from "node:stream";
import { DecoratorHandler, type Dispatcher } from "undici";

/** Errors of a connection the server closed under a request it never answered. */
const STALE_SOCKET = new Set(["UND_ERR_SOCKET", "ECONNRESET", "EPIPE"]);

type Handler = Required<Pick<Dispatcher.DispatchHandler, "onRequestStart" | "onResponseStart" | "onResponseData" | "onResponseEnd" | "onResponseError">> &
  Pick<Dispatcher.DispatchHandler, "onRequestUpgrade">;

/**
 * Engines' HTTP servers (llama-server's cpp-httplib, vLLM's uvicorn) close idle keep-alive connections after
 * ~5 s and after N requests; a request written on a socket the server just closed fails before any response.
 * It never reached the engine, so it is sent once more on a fresh connection, POST included. Only then: once
 * the response has started (status and headers arrived), a reset is the request's own failure, never a resend
 * (undici's RetryHandler would resend a streamed POST with a Range header, running it twice on the engine).
 */
export const staleSocketRetry: Dispatcher.DispatcherComposeInterceptor = (dispatch) => (opts, handler) => new StaleSocketRetry(dispatch, opts, handler, 1).send();

type Dispatch = Parameters<Dispatcher.DispatcherComposeInterceptor>[0];

/** One attempt of a request (a class, not closures: every request of a replay goes through here). */
class StaleSocketRetry implements Dispatcher.DispatchHandler {
  private readonly downstream: Handler;
  private responded = false;

  constructor(
    private readonly dispatch: Dispatch,
    private readonly opts: Dispatcher.DispatchOptions,
    private readonly handler: Dispatcher.DispatchHandler,
    private readonly retriesLeft: number,
  ) {
    this.downstream = new DecoratorHandler(handler) as unknown as Handler;
  }

  send(): boolean {
    return this.dispatch(this.opts, this);
  }

  onRequestStart(controller: Dispatcher.DispatchController, context: object): void {
    this.downstream.onRequestStart(controller, context);
  }

  onRequestUpgrade(controller: Dispatcher.DispatchController, status: number, headers: IncomingHttpHeaders, socket: Duplex): void {
    this.downstream.onRequestUpgrade?.(controller, status, headers, socket);
  }

  onResponseStart(controller: Dispatcher.DispatchController, status: number, headers: IncomingHttpHeaders, message: string): void {
    this.responded = true;
    this.downstream.onResponseStart(controller, status, headers, message);
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    this.downstream.onResponseData(controller, chunk);
  }

  onResponseEnd(controller: Dispatcher.DispatchController, trailers: IncomingHttpHeaders): void {
    this.downstream.onResponseEnd(controller, trailers);
  }

  onResponseError(controller: Dispatcher.DispatchController, error: Error): void {
    const code = (error as { code?: string }).code;
    const body = this.opts.body;
    const replayable = body === undefined || body === null || typeof body === "string" || Buffer.isBuffer(body);
    if (!this.responded && this.retriesLeft > 0 && !controller?.aborted && code !== undefined && STALE_SOCKET.has(code) && replayable) {
      new StaleSocketRetry(this.dispatch, this.opts, this.handler, this.retriesLeft - 1).send();
      return;
    }
    this.downstream.onResponseError(controller, error);
  }
}

/** Idle connections are dropped before the engines' own 5 s idle timeout. */
export const ENGINE_KEEP_ALIVE = { keepAliveTimeout: 2_000, keepAliveMaxTimeout: 4_000 } as const;
