/**
 * Client-level parameters change what the client sends, not how the engine starts: points that differ only in
 * these share one engine start. Everything else in the matrix is server-level (an engine flag or setting).
 */
export const CLIENT_PARAMS = new Set(["concurrency", "prompt_tokens", "output_tokens", "requests", "path"]);

export function isClientParam(name: string): boolean {
  return CLIENT_PARAMS.has(name);
}
