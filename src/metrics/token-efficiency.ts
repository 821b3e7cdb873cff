/** Output tokens per unit of a resource (per joule, per CPU second); undefined when nothing was spent or measured. */
export function tokensPer(outputTokens: number, spent: number | undefined): number | undefined {
  return spent === undefined || spent <= 0 ? undefined : outputTokens / spent;
}
