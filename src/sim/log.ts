import type { Writable } from "node:stream";
import type { SimClock } from "./clock.ts";

export type Level = "DEBUG" | "INFO" | "WARNING" | "ERROR";

/** Where a message comes from in vLLM: `[file.py:line]`. */
export type Site = `${string}.py:${number}`;

const pad = (n: number): string => String(n).padStart(2, "0");

/** vLLM's log format: `INFO 11-25 14:33:00 [file.py:123] message`, on stdout, stamped with simulated time. */
export class VllmLogger {
  constructor(
    private readonly clock: SimClock,
    private readonly stdout: Writable,
  ) {}

  log(level: Level, site: Site, message: string, at = this.clock.now()): void {
    const d = new Date(this.clock.epochMs(at));
    const stamp = `${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
    const lines = message.split("\n").map((line) => `${level} ${stamp} [${site}] ${line}`);
    this.stdout.write(lines.join("\n") + "\n");
  }

  info(site: Site, message: string): void {
    this.log("INFO", site, message);
  }

  warning(site: Site, message: string): void {
    this.log("WARNING", site, message);
  }

  error(site: Site, message: string): void {
    this.log("ERROR", site, message);
  }

  /** Uvicorn's own lines (`INFO:     Started server process [pid]`). */
  uvicorn(message: string): void {
    this.stdout.write(`INFO:     ${message}\n`);
  }
}
