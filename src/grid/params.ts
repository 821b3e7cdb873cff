/**
 * Client-level parameters change what the client sends, not how the engine starts: points that differ only in
 * these share one engine start. Everything else in the matrix is server-level (an engine flag or setting).
 */
export const CLIENT_PARAMS = new Set(["concurrency", "prompt_tokens", "output_tokens", "requests", "path"]);

/** Client-level parameters each suite must honour (set the option they name) or refuse: `path` is the lab's own. */
export const SUITE_CLIENT_PARAMS = ["concurrency", "prompt_tokens", "output_tokens", "requests"] as const;
export type SuiteClientParam = (typeof SUITE_CLIENT_PARAMS)[number];

export function isSuiteClientParam(name: string): name is SuiteClientParam {
  return (SUITE_CLIENT_PARAMS as readonly string[]).includes(name);
}

export function isClientParam(name: string): boolean {
  return CLIENT_PARAMS.has(name);
}
