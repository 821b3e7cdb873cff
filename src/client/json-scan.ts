/**
 * Fast-path helpers for streamed JSON chunks. They rely on one fact of JSON text: a double quote inside a
 * string value is always escaped, so an unescaped `"key":"` can only be structural. Callers use them only to
 * skip JSON.parse for chunks that carry nothing but a string; anything unusual goes to JSON.parse.
 */

/** The decoded string value after the first occurrence of `prefix` (which ends with `"`), or undefined. */
export function stringAfter(json: string, prefix: string): string | undefined {
  const at = json.indexOf(prefix);
  if (at === -1) return undefined;
  const from = at + prefix.length;
  let end = json.indexOf('"', from);
  while (end !== -1 && json.charCodeAt(end - 1) === 92 && !evenSlashes(json, from, end)) end = json.indexOf('"', end + 1);
  if (end === -1) return undefined;
  const raw = json.slice(from, end);
  return raw.indexOf("\\") === -1 ? raw : (JSON.parse(`"${raw}"`) as string);
}

function evenSlashes(json: string, from: number, quote: number): boolean {
  let slashes = 0;
  for (let i = quote - 1; i >= from && json.charCodeAt(i) === 92; i--) slashes++;
  return slashes % 2 === 0;
}
