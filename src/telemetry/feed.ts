import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import type { Sample } from "./samples.ts";
import { samplerFor } from "./registry.ts";
import type { Sampler } from "./types.ts";

export interface AgentNotice {
  level: "warn" | "error" | "restart";
  text: string;
  /** The sampler kind the agent had chosen when it said this (undefined before it chose). */
  kind?: string;
}

/**
 * Reads what a telemetry agent wrote so far (its output file grows while the engine runs, locally or on a
 * SLURM node) into samples on the lab's clock. Partial last lines wait for the next read.
 */
export class AgentFeed {
  readonly samples: Sample[] = [];
  sampler?: Sampler;
  /** The agent gave up (#error): no more samples will come. */
  ended = false;
  private offset = 0;
  private partial = "";

  constructor(
    private readonly file: string,
    /** Unix seconds (the agent's stamp) to the lab's monotonic nanoseconds. */
    private readonly toNs: (wallS: number) => number,
    private readonly onNotice: (notice: AgentNotice) => void,
  ) {}

  read(): void {
    let fd: number;
    try {
      fd = openSync(this.file, "r");
    } catch {
      return; // not written yet
    }
    try {
      const size = fstatSync(fd).size;
      if (size < this.offset) this.reset(); // a new job truncated it (SLURM resubmit)
      if (size === this.offset) return;
      const buffer = Buffer.alloc(size - this.offset);
      const n = readSync(fd, buffer, 0, buffer.length, this.offset);
      this.offset += n;
      const lines = (this.partial + buffer.subarray(0, n).toString("utf8")).split("\n");
      this.partial = lines.pop() ?? "";
      for (const line of lines) this.line(line);
    } finally {
      closeSync(fd);
    }
  }

  private line(text: string): void {
    const line = text.trim();
    if (!line) return;
    const directive = /^#(kind|warn|error|restart) (.*)$/.exec(line);
    if (directive) {
      const [, what, rest] = directive;
      if (what === "kind") this.sampler = samplerFor(rest.trim(), "telemetry agent");
      else {
        if (what === "error") this.ended = true;
        this.onNotice({ level: what as AgentNotice["level"], text: rest, kind: this.sampler?.kind });
      }
      return;
    }
    const fields = line.split(",");
    const wallS = Number(fields[0]);
    if (!this.sampler || !Number.isFinite(wallS)) return; // e.g. a shell error line: the agent's #error says what failed
    this.sampler.add(this.samples, { tNs: this.toNs(wallS), wallS }, fields.slice(1));
  }

  private reset(): void {
    this.offset = 0;
    this.partial = "";
    this.samples.length = 0;
    this.sampler = undefined;
    this.ended = false;
  }

  get lastNs(): number | undefined {
    return this.samples.at(-1)?.tNs;
  }
}
