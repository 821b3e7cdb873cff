import { request } from "undici";
import type { LaunchSpec } from "../engines/types.ts";

/** An answer to the readiness probe that is neither 200 nor one of the engine's loading statuses. */
export interface Rejected {
  path: string;
  status: number;
  body: string;
}

export type ProbeResult = "ready" | "loading" | "refused" | Rejected;

/**
 * One readiness probe: 200 = ready; the engine's loading statuses (llama.cpp's 503) or a refused/reset
 * connection = not yet; any other status (401, 404, 500, ...) will not change by waiting: it is returned.
 */
export async function probe(spec: LaunchSpec, timeoutMs = 2000): Promise<ProbeResult> {
  let res;
  try {
    res = await request(spec.baseUrl + spec.readiness.path, { method: "GET", headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
  } catch {
    return "refused";
  }
  const body = await res.body.text().catch(() => "");
  if (res.statusCode === 200) return "ready";
  if (spec.readiness.loadingStatuses.includes(res.statusCode)) return "loading";
  return { path: spec.readiness.path, status: res.statusCode, body: body.slice(0, 300) };
}

/**
 * Polls until ready. Resolves "ready", or the reason it stopped: the engine exited, the timeout passed, the
 * signal aborted, or the probe got an answer that is not "loading" (at once, not at the timeout).
 */
export async function waitReady(
  spec: LaunchSpec,
  opts: { timeoutMs: number; exited: Promise<unknown>; signal?: AbortSignal; intervalMs?: number },
): Promise<"ready" | "exited" | "timeout" | "aborted" | Rejected> {
  let exited = false;
  opts.exited.then(() => (exited = true), () => (exited = true));
  const deadline = Date.now() + opts.timeoutMs;
  const interval = opts.intervalMs ?? 200;
  while (true) {
    if (opts.signal?.aborted) return "aborted";
    if (exited) return "exited";
    const result = await probe(spec);
    if (result === "ready") return exited ? "exited" : "ready";
    if (typeof result === "object") return exited ? "exited" : result;
    if (Date.now() > deadline) return "timeout";
    await new Promise((r) => setTimeout(r, interval));
  }
}
