import { appendFileSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, truncateSync } from "node:fs";
import { join } from "node:path";
import { writeAtomic, writeError } from "./atomic.ts";
import { TELEMETRY_CSV_COLUMNS } from "../telemetry/columns.ts";
import { REQUEST_COLUMNS, pointColumns, type Manifest, type PointRow } from "./columns.ts";
import { readCsv, toCsv } from "./csv.ts";
import { redactText } from "../util/secrets.ts";

function redactRow(row: PointRow): PointRow {
  const out: PointRow = {};
  for (const [key, value] of Object.entries(row)) out[key] = typeof value === "string" ? redactText(value) : value;
  return out;
}

/**
 * A run directory: points.csv, requests.csv, telemetry.csv, manifest.json, logs/. Rows of a point are written
 * once the point ends: requests and telemetry samples first (appended), then points.csv rewritten atomically,
 * which is what marks the point done. On resume, request and telemetry rows of points that never reached
 * points.csv are dropped, so nothing is counted twice.
 */
export class RunStore {
  readonly pointsFile: string;
  readonly requestsFile: string;
  readonly telemetryFile: string;
  readonly manifestFile: string;
  private rows: PointRow[] = [];
  private readonly columns: string[];

  /** `measured`: the metric, server and suite columns, placed between the parameters and the trailing columns. */
  constructor(
    readonly dir: string,
    paramNames: readonly string[],
    measured: readonly string[] = [],
  ) {
    this.pointsFile = join(dir, "points.csv");
    this.requestsFile = join(dir, "requests.csv");
    this.telemetryFile = join(dir, "telemetry.csv");
    this.manifestFile = join(dir, "manifest.json");
    this.columns = pointColumns(paramNames, measured);
    mkdirSync(this.logsDir, { recursive: true });
  }

  get logsDir(): string {
    return join(this.dir, "logs");
  }

  logFile(pointId: string): string {
    return join(this.logsDir, `${pointId}.log`);
  }

  /** Loads what an earlier (interrupted) run finished; returns the ids of finished points. */
  resume(): Set<string> {
    this.rows = readCsv(this.pointsFile);
    const done = new Set(this.rows.map((r) => String(r.point_id)));
    for (const [file, columns] of [[this.requestsFile, REQUEST_COLUMNS], [this.telemetryFile, TELEMETRY_CSV_COLUMNS]] as const) {
      if (existsSync(file)) writeAtomic(file, toCsv(columns, readCsv(file).filter((r) => done.has(r.point_id))));
    }
    return done;
  }

  /**
   * Records every row of one finished point (ok or failed) with its requests and telemetry samples, secrets
   * redacted from every text cell. When a write fails (a full disk), every file is left as it was before this
   * point, and the error says how to resume.
   */
  commitPoint(rawRows: PointRow[], rawRequests: PointRow[], telemetry: PointRow[] = []): void {
    const rows = rawRows.map(redactRow);
    const appends = [
      { file: this.requestsFile, columns: REQUEST_COLUMNS, rows: rawRequests.map(redactRow) },
      { file: this.telemetryFile, columns: TELEMETRY_CSV_COLUMNS, rows: telemetry },
    ];
    const sizes = appends.map((a) => (existsSync(a.file) ? statSync(a.file).size : undefined));
    const all = [...this.rows, ...rows];
    let writing = this.pointsFile;
    try {
      for (const a of appends) {
        writing = a.file;
        appendRows(a.file, a.columns, a.rows);
      }
      writing = this.pointsFile;
      writeAtomic(this.pointsFile, toCsv(this.header(all), all));
    } catch (err) {
      // no request or telemetry rows of a point that points.csv does not hold
      appends.forEach((a, i) => {
        const size = sizes[i];
        if (size === undefined) rmSync(a.file, { force: true });
        else truncateSync(a.file, size);
      });
      throw writeError(writing, err);
    }
    this.rows = all;
  }

  /** The declared columns, then any column a row carries that nobody declared (never silently dropped). */
  private header(rows: PointRow[]): string[] {
    const known = new Set(this.columns);
    const extra = new Set<string>();
    for (const row of rows) for (const key of Object.keys(row)) if (!known.has(key)) extra.add(key);
    return [...this.columns, ...extra];
  }

  allRows(): PointRow[] {
    return this.rows;
  }

  writeManifest(manifest: Manifest): void {
    writeAtomic(this.manifestFile, redactText(JSON.stringify(manifest, null, 2)) + "\n");
  }

  /** Rewrites an engine's log (once the engine is stopped) without any secret the run knows of or can recognise. */
  redactLog(serverId: string): void {
    const file = this.logFile(serverId);
    if (!existsSync(file)) return;
    const text = readFileSync(file, "utf8");
    const clean = redactText(text);
    if (clean !== text) writeAtomic(file, clean);
  }
}

function appendRows(file: string, columns: readonly string[], rows: PointRow[]): void {
  if (!rows.length) return;
  const header = existsSync(file) ? "" : toCsv(columns, []);
  const body = toCsv(columns, rows).split("\n").slice(1).join("\n");
  appendFileSync(file, header + body);
}
