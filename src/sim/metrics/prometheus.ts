/** A minimal Prometheus registry that writes the text format (0.0.4) the way Python's prometheus_client does. */
export type Labels = Readonly<Record<string, string>>;
type Kind = "counter" | "gauge" | "histogram";

interface Family {
  readonly name: string;
  readonly help: string;
  readonly kind: Kind;
  render(out: string[]): void;
}

const labelKey = (labels: Labels): string => Object.keys(labels).sort().map((k) => `${k}="${escape(labels[k])}"`).join(",");
const escape = (v: string): string => v.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/"/g, '\\"');

/** Python's repr of a float: 1.0, 0.25, 1e-05, inf. */
export function pyFloat(value: number): string {
  if (value === Infinity) return "+Inf";
  if (value === -Infinity) return "-Inf";
  if (Number.isNaN(value)) return "NaN";
  if (Number.isInteger(value) && Math.abs(value) < 1e16) return value.toFixed(1);
  const abs = Math.abs(value);
  if (abs !== 0 && abs < 1e-4) return value.toExponential().replace(/e-(\d)$/, "e-0$1");
  return String(value);
}

class Scalar implements Family {
  private readonly values = new Map<string, number>();
  constructor(
    readonly name: string,
    readonly help: string,
    readonly kind: "counter" | "gauge",
  ) {}
  touch(labels: Labels): void {
    const key = labelKey(labels);
    if (!this.values.has(key)) this.values.set(key, 0);
  }
  inc(labels: Labels, by = 1): void {
    const key = labelKey(labels);
    this.values.set(key, (this.values.get(key) ?? 0) + by);
  }
  set(labels: Labels, value: number): void {
    this.values.set(labelKey(labels), value);
  }
  render(out: string[]): void {
    for (const [key, value] of this.values) out.push(`${this.name}{${key}} ${pyFloat(value)}`);
  }
}

class Histogram implements Family {
  readonly kind = "histogram";
  private readonly series = new Map<string, { labels: Labels; counts: number[]; sum: number; count: number }>();
  constructor(
    readonly name: string,
    readonly help: string,
    private readonly buckets: readonly number[],
  ) {}
  touch(labels: Labels): void {
    const key = labelKey(labels);
    if (!this.series.has(key)) this.series.set(key, { labels, counts: this.buckets.map(() => 0), sum: 0, count: 0 });
  }
  observe(labels: Labels, value: number): void {
    this.touch(labels);
    const s = this.series.get(labelKey(labels))!;
    this.buckets.forEach((le, i) => {
      if (value <= le) s.counts[i]++;
    });
    s.sum += value;
    s.count++;
  }
  render(out: string[]): void {
    for (const s of this.series.values()) {
      const with_le = (le: string) => labelKey({ ...s.labels, le });
      this.buckets.forEach((le, i) => out.push(`${this.name}_bucket{${with_le(pyFloat(le))}} ${pyFloat(s.counts[i])}`));
      out.push(`${this.name}_bucket{${with_le("+Inf")}} ${pyFloat(s.count)}`);
      out.push(`${this.name}_count{${labelKey(s.labels)}} ${pyFloat(s.count)}`);
      out.push(`${this.name}_sum{${labelKey(s.labels)}} ${pyFloat(s.sum)}`);
    }
  }
}

export type { Scalar, Histogram };

export class Registry {
  private readonly families: Family[] = [];

  counter(name: string, help: string): Scalar {
    return this.add(new Scalar(name, help, "counter"));
  }
  gauge(name: string, help: string): Scalar {
    return this.add(new Scalar(name, help, "gauge"));
  }
  histogram(name: string, help: string, buckets: readonly number[]): Histogram {
    return this.add(new Histogram(name, help, buckets));
  }

  render(): string {
    const out: string[] = [];
    for (const f of this.families) {
      out.push(`# HELP ${f.name} ${f.help}`, `# TYPE ${f.name} ${f.kind}`);
      f.render(out);
    }
    return out.join("\n") + "\n";
  }

  private add<T extends Family>(family: T): T {
    this.families.push(family);
    return family;
  }
}
