import { readiness } from "../client/server-probe.ts";
import type { Clock } from "../client/types.ts";
import { failure } from "../errors.ts";
import { e2elMsOf, ttftMsOf } from "../metrics/request-times.ts";
import { newSalt, sizedUserPrompt } from "./prompt.ts";
import { plainRequest, sendRequest } from "./send.ts";
import type { Target } from "./types.ts";

/**
 * Polls until the server answers (/health 200, or /v1/models 200 where there is no /health); a refused
 * connection or 503 "Loading model" is "not yet". Throws a one-line failure at the deadline, or at once on
 * any other status (401, 404, 500: waiting would not change it).
 */
export async function waitForServer(
  baseUrl: string, opts: { timeoutS: number; apiKey?: string; onStatus?: (line: string) => void; intervalMs?: number; signal?: AbortSignal },
): Promise<void> {
  const started = Date.now();
  const deadline = started + opts.timeoutS * 1000;
  let last = "";
  while (!opts.signal?.aborted) {
    const state = await readiness(baseUrl, opts.apiKey);
    if (state.ready) return;
    if (state.rejected) throw failure(`${baseUrl} is not a server that will become ready: ${state.reason}`, "check --url and --api-key-env");
    last = state.reason;
    opts.onStatus?.(`waiting for ${baseUrl}: ${last} (${Math.round((Date.now() - started) / 1000)}s of ${opts.timeoutS}s)`);
    if (Date.now() >= deadline) break;
    await new Promise((r) => setTimeout(r, Math.min(opts.intervalMs ?? 1000, Math.max(0, deadline - Date.now()))));
  }
  throw failure(`${baseUrl} not ready after ${opts.timeoutS}s (last: ${last || "aborted"})`, "is the server starting? raise --timeout, or check --url");
}

export interface WarmupResult {
  size: number;
  ok: boolean;
  promptTokens?: number;
  ttftMs?: number;
  totalMs?: number;
  error?: string;
}

/**
 * One request per prompt size, smallest first, so the engine builds its graphs and compiled kernels for each
 * before anything is measured. Each prompt has a fresh salt; max_tokens is small. Safe to run again.
 */
export async function warmupSizes(
  target: Target, sizes: number[], clock: Clock, onResult?: (r: WarmupResult) => void, signal: AbortSignal = new AbortController().signal,
): Promise<WarmupResult[]> {
  const results: WarmupResult[] = [];
  for (const size of [...sizes].sort((a, b) => a - b)) {
    const prompt = await sizedUserPrompt(target, size, newSalt());
    const ctx = { target, repetitions: 1, clock, signal, onPhase: () => {} };
    const r = await sendRequest(ctx, plainRequest(target.model, prompt.text, 4));
    const result: WarmupResult = r.ok
      ? { size, ok: true, promptTokens: r.promptTokens, ttftMs: ttftMsOf(r), totalMs: e2elMsOf(r) }
      : { size, ok: false, error: r.error };
    results.push(result);
    onResult?.(result);
  }
  return results;
}
