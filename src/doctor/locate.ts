/** Where two JSON values first differ: the path of the deepest differing element, and the offset in a differing string. */
export interface Location {
  path: string;
  /** Offset (characters) of the first difference when both sides are strings there. */
  char?: number;
  before: unknown;
  after: unknown;
}

const IGNORED = new Set(["cache_control"]);
const same = (a: unknown, b: unknown) => JSON.stringify(a, (k, v) => (IGNORED.has(k) ? undefined : v)) === JSON.stringify(b, (k, v) => (IGNORED.has(k) ? undefined : v));

export function commonPrefix(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  return i;
}

/** Walks both values in parallel down to the first difference (cache_control markers are not prompt content). */
export function locate(before: unknown, after: unknown, path: string): Location {
  if (typeof before === "string" && typeof after === "string") return { path, char: commonPrefix(before, after), before, after };
  if (Array.isArray(before) && Array.isArray(after)) {
    for (let i = 0; i < Math.max(before.length, after.length); i++) {
      if (!same(before[i], after[i])) return i < before.length && i < after.length ? locate(before[i], after[i], `${path}[${i}]`) : { path: `${path}[${i}]`, before: before[i], after: after[i] };
    }
  } else if (isObject(before) && isObject(after)) {
    for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
      if (IGNORED.has(key) || same(before[key], after[key])) continue;
      return key in before && key in after ? locate(before[key], after[key], `${path}.${key}`) : { path: `${path}.${key}`, before: before[key], after: after[key] };
    }
  }
  return { path, before, after };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
