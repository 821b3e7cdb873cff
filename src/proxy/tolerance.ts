/**
 * Input the proxy tolerated instead of refusing (unknown top-level fields, unknown content-block types,
 * ignored context edits), counted per kind for the whole proxy run. Each kind is logged once, when first seen;
 * `summary()` gives every kind with its count (logged when the proxy stops).
 */
export class ToleranceLog {
  private readonly counts = new Map<string, number>();

  constructor(private readonly say?: (line: string) => void) {}

  /** `what` names the kind, e.g. `content block "document" (text kept)`. */
  note(what: string): void {
    const seen = this.counts.get(what);
    this.counts.set(what, (seen ?? 0) + 1);
    if (seen === undefined) this.say?.(`tolerated unknown input: ${what}; later ones are counted (summary at exit)`);
  }

  /** Count per kind so far. */
  counted(): ReadonlyMap<string, number> {
    return this.counts;
  }

  summary(): string | undefined {
    if (!this.counts.size) return undefined;
    const parts = [...this.counts].map(([what, n]) => `${what} x${n}`);
    return `unknown input tolerated during this run: ${parts.join(", ")}`;
  }
}
