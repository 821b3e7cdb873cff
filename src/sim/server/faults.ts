import type { ServerResponse } from "node:http";
import type { SimContext } from "./context.ts";
import { sendJson, vllmError } from "./http-io.ts";

/** Writes a stream makes before `close-mid-stream` cuts its connection (the 200 and a first content chunk go out). */
const WRITES_BEFORE_CLOSE = 3;

/**
 * `--sim-fault`, for the lab's fault tests (things a healthy vLLM does not do on request): `http-500` answers
 * every generation request with vLLM's 500 body; `close-mid-stream` destroys the connection after the first
 * few writes of each answer. Returns true when the fault answered the request itself.
 */
export function injectFault(ctx: SimContext, res: ServerResponse): boolean {
  const fault = ctx.config.args.sim_fault;
  if (fault === "http-500") {
    const error = vllmError(500, "simulated fault (--sim-fault http-500)");
    sendJson(res, error.status, error.body);
    return true;
  }
  if (fault === "close-mid-stream") {
    let writes = 0;
    const write = res.write.bind(res) as (...args: unknown[]) => boolean;
    res.write = ((...args: unknown[]) => {
      if (writes >= WRITES_BEFORE_CLOSE) return true; // swallowed: the connection is about to go
      const ok = write(...args);
      if (++writes === WRITES_BEFORE_CLOSE) setImmediate(() => res.socket?.destroy()); // after the written bytes left
      return ok;
    }) as ServerResponse["write"];
    const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
    res.end = ((...args: unknown[]) => (writes >= WRITES_BEFORE_CLOSE ? res : end(...args))) as ServerResponse["end"];
  }
  return false;
}
