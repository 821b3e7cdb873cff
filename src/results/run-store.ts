import { appendFileSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, truncateSync } from "node:fs";
import { join } from "node:path";
import { writeAtomic, writeError } from "./atomic.ts";
import { REQUEST_COLUMNS, pointColumns, ManifestSchema, type Manifest, type PointRow } from "./columns.ts";
import { readCsv, toCsv } from "./csv.ts";
import { badInput } from "../errors.ts";

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

  constructor(
    readonly dir: string,
    paramNames: readonly string[],
  ) {
    this.pointsFile = join(dir, "points.csv");
    this.requestsFile = join(dir, "requests.csv");
    this.manifestFile = join(dir, "manifest.json");
    this.columns = pointColumns(paramNames);
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

  /**
   * Records every row of one finished point (ok or failed). When a write fails (a full disk), both files are
   * left as they were before this point, and the error says how to resume.
   */
  commitPoint(rows: PointRow[], requests: PointRow[]): void {
    const requestsSize = existsSync(this.requestsFile) ? statSync(this.requestsFile).size : undefined;
    try {
      if (requests.length) {
        const header = requestsSize === undefined ? toCsv(REQUEST_COLUMNS, []) : "";
        const body = toCsv(REQUEST_COLUMNS, requests).split("\n").slice(1).join("\n");
        appendFileSync(this.requestsFile, header + body);
      }
      writeAtomic(this.pointsFile, toCsv(this.columns, [...this.rows, ...rows]));
    } catch (err) {
      // no request rows of a point that points.csv does not hold
      if (requestsSize === undefined) rmSync(this.requestsFile, { force: true });
      else truncateSync(this.requestsFile, requestsSize);
      throw writeError(this.requestsFile, err);
    }
    this.rows.push(...rows);
  }

  allRows(): PointRow[] {
    return this.rows;
  }

  writeManifest(manifest: Manifest): void {
    writeAtomic(this.manifestFile, JSON.stringify(manifest, null, 2) + "\n");
  }

  readManifest(): Manifest {
    if (!existsSync(this.manifestFile)) throw badInput(`${this.manifestFile}: no manifest`, "is this a run directory written by `bench grid`?");
    return ManifestSchema.parse(JSON.parse(readFileSync(this.manifestFile, "utf8")));
  }
}
