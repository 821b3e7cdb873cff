/** Where things sit in a JSON text, whatever its spacing: byte-stability checks compare these slices. */
export interface JsonSpans {
  /** Top-level key -> [start, end) of its value. */
  values: Map<string, [number, number]>;
  /** End offsets of each element of the top-level `messages` array. */
  messageEnds: number[];
}

/** Scans a JSON object's text once (strings skipped, depth tracked); assumes it is valid JSON. */
export function jsonSpans(text: string): JsonSpans {
  const values = new Map<string, [number, number]>();
  const messageEnds: number[] = [];
  let depth = 0;
  let key: string | undefined;
  let valueStart = -1;
  let lastKey: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      const end = stringEnd(text, i);
      if (depth === 1 && key === undefined && valueStart < 0) lastKey = JSON.parse(text.slice(i, end + 1)) as string;
      else if (depth === 1 && valueStart < 0) valueStart = i;
      i = end;
      continue;
    }
    if (depth === 1 && c === ":") {
      key = lastKey;
      continue;
    }
    if (c === "{" || c === "[") {
      if (depth === 1 && valueStart < 0) valueStart = i;
      depth++;
      continue;
    }
    if (c === "}" || c === "]") {
      depth--;
      if (depth === 2 && key === "messages" && c === "}") messageEnds.push(i + 1);
      if (depth === 1) {
        values.set(key!, [valueStart, i + 1]);
        key = undefined;
        valueStart = -1;
      }
      if (depth === 0 && key !== undefined && valueStart >= 0) values.set(key, [valueStart, trimEnd(text, i)]);
      continue;
    }
    if (depth === 1 && key !== undefined) {
      if (c === ",") {
        if (valueStart >= 0) values.set(key, [valueStart, trimEnd(text, i)]);
        key = undefined;
        valueStart = -1;
      } else if (valueStart < 0 && !/\s/.test(c)) valueStart = i;
    }
  }
  return { values, messageEnds };
}

function stringEnd(text: string, open: number): number {
  for (let i = open + 1; i < text.length; i++) {
    if (text[i] === "\\") i++;
    else if (text[i] === '"') return i;
  }
  return text.length - 1;
}

function trimEnd(text: string, end: number): number {
  while (end > 0 && /\s/.test(text[end - 1])) end--;
  return end;
}
