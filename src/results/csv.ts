import { readFileSync, existsSync } from "node:fs";
import { stringify } from "csv-stringify/sync";
import { parse } from "csv-parse/sync";
import type { Cell } from "./columns.ts";

/** Non-integers keep 8 significant digits (trailing zeros dropped) so files stay readable and diffs stable. */
function cell(value: Cell): string {
  if (value === undefined) return "";
  if (typeof value === "number") return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(8)));
  return String(value);
}

export function toCsv(columns: readonly string[], rows: ReadonlyArray<Record<string, Cell>>): string {
  return stringify([columns, ...rows.map((row) => columns.map((c) => cell(row[c])))]);
}

export function readCsv(file: string): Array<Record<string, string>> {
  if (!existsSync(file)) return [];
  return parse(readFileSync(file, "utf8"), { columns: true, skip_empty_lines: true }) as Array<Record<string, string>>;
}
