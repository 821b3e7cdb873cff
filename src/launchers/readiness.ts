import { request } from "undici";
import type { LaunchSpec } from "../engines/types.ts";

export type ProbeResult = "ready" | "loading" | "refused";

/** One readiness probe: 200 = ready; a loading status or a refused/reset connection = not yet. */
export async function probe(spec: LaunchSpec, timeoutMs = 2000): Promise<ProbeResult> {
  try {
    const res = await request(spec.baseUrl + spec.readiness.path, { method: "GET", headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
    await res.body.dump();
    if (res.statusCode === 200) return "ready";
    return "loading";
  } catch {
    return "refused";
  }
}

/**
 * Polls until ready. Resolves "ready", or rejects with the reason it stopped: the engine exited, the timeout
 * passed, or the signal aborted.
 */
export async function waitReady(
  spec: LaunchSpec,
  opts: { timeoutMs: number; exited: Promise<unknown>; signal?: AbortSignal; intervalMs?: number },
): Promise<"ready" | "exited" | "timeout" | "aborted"> {
  let exited = false;
  opts.exited.then(() => (exited = true), () => (exited = true));
  const deadline = Date.now() + opts.timeoutMs;
  const interval = opts.intervalMs ?? 200;
  while (true) {
    if (opts.signal?.aborted) return "aborted";
    if (exited) return "exited";
    if ((await probe(spec)) === "ready") return exited ? "exited" : "ready";
    if (Date.now() > deadline) return "timeout";
    await new Promise((r) => setTimeout(r, interval));
  }
}
