/**
 * What an engine's startup log says about its capacity: vLLM's `GPU KV cache size: N tokens` (the simulator
 * prints the same line), llama.cpp's `n_ctx = N` (the context all slots share). Undefined when the log has neither.
 */
export function kvCapacityTokens(log: string): number | undefined {
  const vllm = /GPU KV cache size: ([\d,]+) tokens/.exec(log);
  if (vllm) return Number(vllm[1].replace(/,/g, ""));
  const llama = /\bn_ctx\s*=\s*(\d+)/.exec(log);
  return llama ? Number(llama[1]) : undefined;
}
