import type { FailureCause } from "./types.ts";

/** llama-server's failure lines (REFERENCE.md section 2); first match wins. */
const RULES: Array<[RegExp, FailureCause]> = [
  [/couldn't bind HTTP server socket/, "bind_failed"],
  [/cudaMalloc failed: out of memory|failed to allocate .*buffer|unable to allocate|std::bad_alloc/, "oom"],
  [/the context size .* is too small|n_ctx_slot .* too small|context size exceeded|kv cache .* too small/i, "kv_cache_too_small"],
  [/error: invalid argument|invalid argument:|error while handling argument|unknown argument|error: .*must be/, "invalid_config"],
  [/failed to load model|exiting due to model loading error|error loading model/, "crashed"],
  [/Segmentation fault|Aborted|GGML_ASSERT|terminate called/, "crashed"],
];

export function classifyLlamaCppLog(log: string): FailureCause | undefined {
  for (const [pattern, cause] of RULES) if (pattern.test(log)) return cause;
  return undefined;
}
