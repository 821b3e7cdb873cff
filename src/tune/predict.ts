import type { FailureCause } from "../engines/types.ts";
import type { ParamValue } from "../grid/schema.ts";

type Server = Record<string, ParamValue>;

/**
 * Flags that change how much memory an engine needs or has (vLLM and llama.cpp spellings): two configurations
 * that agree on all of these reserve the same memory and report the same KV capacity.
 */
const MEMORY_FLAGS = new Set([
  "gpu-memory-utilization", "max-model-len", "max-num-batched-tokens", "max-num-seqs", "enforce-eager", "tensor-parallel-size",
  "pipeline-parallel-size", "data-parallel-size", "kv-cache-dtype", "block-size", "dtype", "quantization", "cpu-offload-gb",
  "swap-space", "kv-cache-memory", "num-gpu-blocks-override", "compilation-config", "cudagraph-capture-sizes", "max-seq-len-to-capture",
  "ctx-size", "c", "n-gpu-layers", "ngl", "parallel", "np", "batch-size", "b", "ubatch-size", "ub", "cache-type-k", "cache-type-v", "flash-attn", "fa",
]);

/** Which flag a start-failure cause is monotone in: failing at value v means failing at every value >= v. */
const MONOTONE: Partial<Record<FailureCause, readonly string[]>> = {
  oom: ["gpu-memory-utilization"],
  kv_cache_too_small: ["max-model-len", "ctx-size", "c"],
};

export function isMemoryFlag(name: string): boolean {
  return MEMORY_FLAGS.has(name.replace(/_/g, "-"));
}

/** Same values on every memory-relevant flag except `except`. */
export function sameMemory(a: Server, b: Server, except?: string): boolean {
  const names = new Set([...Object.keys(a), ...Object.keys(b)].filter((n) => isMemoryFlag(n) && n !== except));
  return [...names].every((n) => a[n] === b[n]);
}

/**
 * Whether a start failure of `failed` predicts that `other` fails the same way: `oom` at gpu-memory-utilization
 * g predicts every value >= g, `kv_cache_too_small` at max-model-len L every value >= L, the other
 * memory-relevant flags being equal (autotune, expert parallel and the like may differ).
 */
export function predictsFailure(cause: FailureCause, failed: Server, other: Server): boolean {
  for (const flag of MONOTONE[cause] ?? []) {
    const at = failed[flag];
    const value = other[flag];
    if (typeof at !== "number" || typeof value !== "number") continue;
    if (value >= at && sameMemory(failed, other, flag)) return true;
  }
  return false;
}
