import { interceptors } from "undici";

/**
 * Engines' HTTP servers (llama-server's cpp-httplib, vLLM's uvicorn) close idle keep-alive connections after
 * ~5 s and after N requests; a request written on a socket the server just closed fails before any response.
 * It never reached the engine, so sending it once more on a fresh connection is safe, POST included.
 */
export const staleSocketRetry = interceptors.retry({
  maxRetries: 1,
  minTimeout: 0,
  timeoutFactor: 1,
  methods: ["GET", "POST", "HEAD"],
  statusCodes: [],
  errorCodes: ["UND_ERR_SOCKET", "ECONNRESET", "EPIPE"],
});

/** Idle connections are dropped before the engines' own 5 s idle timeout. */
export const ENGINE_KEEP_ALIVE = { keepAliveTimeout: 2_000, keepAliveMaxTimeout: 4_000 } as const;
