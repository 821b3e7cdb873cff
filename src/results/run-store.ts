import { appendFileSync, existsSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { writeAtomic } from "./atomic.ts";
import { REQUEST_COLUMNS, pointColumns, type Manifest, type PointRow } from "./columns.ts";
import { readCsv, toCsv } from "./csv.ts";
import { redactText } from "../util/secrets.ts";

function redactRow(row: PointRow): PointRow {
  const out: PointRow = {};
  for (const [key, value] of Object.entries(row)) out[key] = typeof value === "string" ? redactText(value) : value;
  return out;
}

/**
 * A run directory: points.csv, requests.csv, manifest.json, logs/. Rows of a point are written once the point
 * ends: requests first (appended), then points.csv rewritten atomically, which is what marks the point done.
 * On resume, request rows of points that never reached points.csv are dropped, so nothing is counted twice.
 */
export class RunStore {
  readonly pointsFile: string;
  readonly requestsFile: string;
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
    if (existsSync(this.requestsFile)) {
      const kept = readCsv(this.requestsFile).filter((r) => done.has(r.point_id));
      writeAtomic(this.requestsFile, toCsv(REQUEST_COLUMNS, kept));
    }
    return done;
  }

  /** Records every row of one finished point (ok or failed), secrets redacted from every text cell. */
  commitPoint(rawRows: PointRow[], rawRequests: PointRow[]): void {
    const rows = rawRows.map(redactRow);
    const requests = rawRequests.map(redactRow);
    if (requests.length) {
      const header = existsSync(this.requestsFile) ? "" : toCsv(REQUEST_COLUMNS, []);
      const body = toCsv(REQUEST_COLUMNS, requests).split("\n").slice(1).join("\n");
      appendFileSync(this.requestsFile, header + body);
    }
    this.rows.push(...rows);
    writeAtomic(this.pointsFile, toCsv(this.header(), this.rows));
  }

  /** The declared columns, then any column a row carries that nobody declared (never silently dropped). */
  private header(): string[] {
    const known = new Set(this.columns);
    const extra = new Set<string>();
    for (const row of this.rows) for (const key of Object.keys(row)) if (!known.has(key)) extra.add(key);
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
