import { existsSync, readFileSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { parse } from "csv-parse/sync";
import { z } from "zod";
import { badInput } from "../errors.ts";
import { isClientParam } from "../grid/params.ts";

export type Value = string | number | boolean;

/** One points.csv row, typed: numbers where numeric, booleans for true/false, undefined for empty or missing cells. */
export interface RunRow {
  pointId: string;
  status: "ok" | "failed";
  failure: string;
  suite: string;
  scenario: string;
  /** The concurrency the scenario ran at (`scenario_concurrency`; in runs before schema 2, the `concurrency` column). */
  concurrency?: number;
  /** Every grid parameter of the point, in matrix order (missing ones left out). */
  params: Record<string, Value>;
  /** Every column, typed; columns an older lab did not write are simply absent. */
  values: Record<string, Value | undefined>;
}

/** Manifests of older lab versions lack fields; every field is optional here and schema_version defaults to 0. */
const LooseManifest = z.looseObject({
  schema_version: z.number().int().default(0),
  lab_version: z.string().optional(),
  grid_name: z.string().optional(),
  grid_file: z.string().optional(),
  grid_sha256: z.string().optional(),
  grid: z.record(z.string(), z.unknown()).optional(),
  engine: z.string().optional(),
  launcher: z.string().optional(),
  simulated: z.boolean().default(false),
  time_scale: z.number().optional(),
  param_names: z.array(z.string()).optional(),
  server_params: z.array(z.string()).optional(),
  client_params: z.array(z.string()).optional(),
  host: z.looseObject({ hostname: z.string().optional(), gpus: z.array(z.string()).default([]) }).optional(),
  started_at: z.string().optional(),
});
export type LooseManifest = z.infer<typeof LooseManifest>;

export interface LoadedRun {
  dir: string;
  /** The run directory's own name (a timestamp for `bench grid` runs). */
  name: string;
  gridName: string;
  engine: string;
  simulated: boolean;
  schemaVersion: number;
  manifest: LooseManifest;
  columns: string[];
  paramNames: string[];
  serverParams: string[];
  clientParams: string[];
  rows: RunRow[];
}

const TEXT_COLUMNS = new Set(["point_id", "status", "failure", "suite", "scenario", "path", "failure_detail", "engine", "launcher", "server_id", "started_at", "ended_at", "tokens_source"]);
const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

export function typedCell(text: string | undefined, column: string): Value | undefined {
  if (text === undefined || text === "") return undefined;
  if (TEXT_COLUMNS.has(column)) return text;
  if (NUMBER.test(text)) return Number(text);
  if (text === "true" || text === "false") return text === "true";
  return text;
}

/** Reads a run directory written by any lab version: points.csv (joined on column names) and manifest.json. */
export function loadRun(dir: string): LoadedRun {
  const abs = resolve(dir);
  const pointsFile = join(abs, "points.csv");
  if (!existsSync(pointsFile)) throw badInput(`${dir}: no points.csv`, "pass a run directory written by `bench grid` (results/<grid>/<timestamp>/)");
  const manifest = readManifest(join(abs, "manifest.json"));
  const records = parse(readFileSync(pointsFile, "utf8"), { columns: true, skip_empty_lines: true }) as Array<Record<string, string>>;
  const columns = records.length ? Object.keys(records[0]) : headerOf(pointsFile);
  const paramNames = manifest.param_names ?? inferParams(columns);
  const clientParams = manifest.client_params ?? paramNames.filter(isClientParam);
  const serverParams = manifest.server_params ?? paramNames.filter((n) => !clientParams.includes(n));
  const rows = records.map((record) => toRow(upgrade(record, manifest.schema_version), columns, paramNames));
  const grid = manifest.grid ?? {};
  return {
    dir: abs, name: basename(abs), gridName: manifest.grid_name ?? String(grid.name ?? basename(abs)),
    engine: manifest.engine ?? String(grid.engine ?? rows.find((r) => r.values.engine)?.values.engine ?? "unknown"),
    simulated: manifest.simulated || rows.some((r) => r.values.simulated === true),
    schemaVersion: manifest.schema_version, manifest, columns, paramNames, serverParams, clientParams, rows,
  };
}

function readManifest(file: string): LooseManifest {
  if (!existsSync(file)) return LooseManifest.parse({});
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, "utf8"));
  } catch {
    throw badInput(`${file}: not valid JSON`, "restore the manifest written by `bench grid`");
  }
  const parsed = LooseManifest.safeParse(raw);
  if (!parsed.success) throw badInput(`${file}: field '${parsed.error.issues[0].path.join(".")}': ${parsed.error.issues[0].message}`);
  return parsed.data;
}

/** Parameters sit between the leading columns and `suite`, the first metric column (the points.csv order contract). */
function inferParams(columns: string[]): string[] {
  const start = columns.indexOf("failure") + 1;
  const end = columns.indexOf("suite", start);
  return columns.slice(start, end === -1 ? start : end);
}

function headerOf(file: string): string[] {
  const rows = parse(readFileSync(file, "utf8"), { to_line: 1 }) as string[][];
  return rows[0] ?? [];
}

/**
 * Reads a row of an older schema with today's column meanings: before schema 2, `concurrency` and `requests`
 * held what the scenario ran (now `scenario_concurrency` and `requests_sent`).
 */
function upgrade(record: Record<string, string>, schemaVersion: number): Record<string, string> {
  if (schemaVersion >= 2) return record;
  return { ...record, scenario_concurrency: record.concurrency ?? "", requests_sent: record.requests ?? "" };
}

function toRow(record: Record<string, string>, columns: string[], paramNames: string[]): RunRow {
  const values: Record<string, Value | undefined> = {};
  for (const c of new Set([...columns, "scenario_concurrency", "requests_sent"])) values[c] = typedCell(record[c], c);
  const params: Record<string, Value> = {};
  for (const p of paramNames) if (values[p] !== undefined) params[p] = values[p] as Value;
  const concurrency = values.scenario_concurrency;
  return {
    pointId: String(values.point_id ?? ""), status: values.status === "failed" ? "failed" : "ok",
    failure: String(values.failure ?? ""), suite: String(values.suite ?? ""), scenario: String(values.scenario ?? ""),
    concurrency: typeof concurrency === "number" ? concurrency : undefined, params, values,
  };
}

/** A numeric metric of a row, or undefined when not measured. */
export function metricOf(row: RunRow, metric: string): number | undefined {
  const v = row.values[metric];
  return typeof v === "number" && Number.isFinite(v) ? v : undefined;
}
