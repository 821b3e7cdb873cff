import { SIM_STAMP_FIELD } from "../util/sim-clock-protocol.ts";

const KEY = `"${SIM_STAMP_FIELD}":`;

/** The simulator's timestamp of one SSE payload (it appends the field last), or undefined when it has none. */
export function simStamp(data: string): number | undefined {
  const at = data.lastIndexOf(KEY);
  if (at < 0) return undefined;
  let n = 0;
  let i = at + KEY.length;
  const start = i;
  for (; i < data.length; i++) {
    const c = data.charCodeAt(i) - 48;
    if (c < 0 || c > 9) break;
    n = n * 10 + c;
  }
  return i > start ? n : undefined;
}
