/**
 * Finds the word count whose token count is exactly `target` (or the closest from below), by secant steps on
 * an integer function that grows about one token per word. At most `tries` counts.
 */
export async function fitWords(
  count: (words: number) => Promise<number | undefined>,
  target: number,
  start: number,
  tries = 10,
): Promise<{ words: number; tokens?: number }> {
  let n = Math.max(0, start);
  let best: { words: number; tokens?: number } = { words: n };
  const seen = new Set<number>();
  for (let i = 0; i < tries && !seen.has(n); i++) {
    seen.add(n);
    const tokens = await count(n);
    if (tokens === undefined) return { words: n };
    if (tokens <= target && (best.tokens === undefined || tokens > best.tokens)) best = { words: n, tokens };
    if (tokens === target) break;
    let next = Math.max(0, n + (target - tokens));
    if (seen.has(next)) next = tokens > target ? n - 1 : n + 1;
    if (next < 0) break;
    n = next;
  }
  return best;
}
