import { readFileSync } from "node:fs";
import type { z } from "zod";
import { badInput } from "../errors.ts";
import { fromMooncake } from "./mooncake.ts";
import { MooncakeLineSchema, TraceRequestSchema, type MooncakeLine, type Trace, type TraceRequest } from "./schema.ts";
import { groupSessions } from "./sessions.ts";

export interface LoadOptions {
  /** Tokens per Mooncake hash block (the published traces use 512). */
  blockTokens?: number;
}

/**
 * Reads a trace file: the lab's JSONL (one request per line) or a Mooncake-style JSONL (`timestamp`,
 * `input_length`, `output_length`, `hash_ids`), told apart by the first line. Any bad line is a one-line error
 * naming the file and line (exit 2); so is a file without requests.
 */
export function loadTrace(file: string, opts: LoadOptions = {}): Trace {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    throw badInput(`${file}: cannot read the trace (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  return parseTrace(text, file, opts);
}

export function parseTrace(text: string, file: string, opts: LoadOptions = {}): Trace {
  const lines = parseLines(text, file);
  if (!lines.length) throw badInput(`${file}: no requests in the trace`, "record one with bench proxy --record, or make one with bench trace synth");
  const mooncake = isMooncake(lines[0].value);
  if (mooncake) {
    const parsed = lines.map((l) => validate(MooncakeLineSchema, l, file));
    return { source: file, format: "mooncake", sessions: groupSessions(fromMooncake(parsed as MooncakeLine[], opts.blockTokens ?? 512), file) };
  }
  const requests = lines.map((l) => ({ ...validate(TraceRequestSchema, l, file), line: l.line }));
  return { source: file, format: "lab", sessions: groupSessions(requests as Array<TraceRequest & { line: number }>, file) };
}

interface Line {
  line: number;
  value: unknown;
}

function parseLines(text: string, file: string): Line[] {
  const out: Line[] = [];
  text.split("\n").forEach((raw, i) => {
    if (!raw.trim()) return;
    try {
      out.push({ line: i + 1, value: JSON.parse(raw) });
    } catch (err) {
      throw badInput(`${file}:${i + 1}: not valid JSON (${(err as Error).message})`, "a trace has one JSON object per line");
    }
  });
  return out;
}

function isMooncake(value: unknown): boolean {
  return typeof value === "object" && value !== null && "hash_ids" in value && "input_length" in value;
}

function validate<T>(schema: z.ZodType<T>, l: Line, file: string): T {
  const parsed = schema.safeParse(l.value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = issue.path.map(String).join(".") || "(line)";
  throw badInput(`${file}:${l.line}: field '${field}': ${issue.message}`);
}
