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
export const staleSocketRetry: Dispatcher.DispatcherComposeInterceptor = (dispatch) => (opts, handler) => {
  const send = (retriesLeft: number): boolean => {
    const downstream = new DecoratorHandler(handler) as unknown as Handler;
    let responded = false;
    return dispatch(opts, {
      onRequestStart: (controller, context) => downstream.onRequestStart(controller, context),
      onRequestUpgrade: (controller, status, headers, socket) => downstream.onRequestUpgrade?.(controller, status, headers, socket),
      onResponseStart(controller, status, headers, message) {
        responded = true;
        downstream.onResponseStart(controller, status, headers, message);
      },
      onResponseData: (controller, chunk) => downstream.onResponseData(controller, chunk),
      onResponseEnd: (controller, trailers) => downstream.onResponseEnd(controller, trailers),
      onResponseError(controller, error) {
        const code = (error as { code?: string }).code;
        const replayable = opts.body === undefined || opts.body === null || typeof opts.body === "string" || Buffer.isBuffer(opts.body);
        if (!responded && retriesLeft > 0 && !controller?.aborted && code !== undefined && STALE_SOCKET.has(code) && replayable) {
          send(retriesLeft - 1);
          return;
        }
        downstream.onResponseError(controller, error);
      },
    });
  };
  return send(1);
};

/** Idle connections are dropped before the engines' own 5 s idle timeout. */
export const ENGINE_KEEP_ALIVE = { keepAliveTimeout: 2_000, keepAliveMaxTimeout: 4_000 } as const;
