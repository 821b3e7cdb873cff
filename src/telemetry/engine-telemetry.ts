import type { Sidecar } from "../launchers/types.ts";
import type { Cell, PointRow } from "../results/columns.ts";
import { agentSidecar } from "./agent.ts";
import { AgentFeed } from "./feed.ts";
import type { Sample, ScenarioWindow } from "./samples.ts";
import type { TelemetryRun } from "./run.ts";
import { byScenario, covers, scenarioId, windowAt } from "./windows.ts";

export interface PointTelemetry {
  /** points.csv columns of each scenario, keyed by scenarioId(suite, scenario). */
  scenarios: Map<string, Record<string, Cell>>;
  /** Columns of the engine start so far (every row of the point gets them). */
  engine: Record<string, Cell>;
  /** telemetry.csv rows of the samples since the last point. */
  rows: PointRow[];
}

/** Telemetry of one engine start: the agent's sidecar, and its samples turned into columns point by point. */
export class EngineTelemetry {
  readonly sidecar: Sidecar;
  private readonly feed: AgentFeed;
  private writtenUpToNs = -Infinity;

  constructor(
    private readonly run: TelemetryRun,
    private readonly serverId: string,
  ) {
    this.sidecar = agentSidecar(run.kind, run.intervalMs, run.outFile(serverId));
    this.feed = new AgentFeed(this.sidecar.outFile, run.toNs, (n) => run.notice(n));
  }

  /** Waits (briefly) until the agent has sampled past `untilNs`, so a scenario's last stretch is covered. */
  async settle(untilNs: number): Promise<void> {
    const deadline = Date.now() + Math.max(2000, 8 * this.run.intervalMs);
    for (;;) {
      this.feed.read();
      if (this.feed.ended || (this.feed.lastNs ?? -Infinity) >= untilNs || Date.now() >= deadline) return;
      await new Promise((r) => setTimeout(r, Math.min(50, this.run.intervalMs)));
    }
  }

  /** The point's columns from the samples covering its windows, and its telemetry.csv rows; never throws. */
  async collect(pointId: string, windows: readonly ScenarioWindow[]): Promise<PointTelemetry> {
    try {
      return await this.measure(pointId, windows);
    } catch (err) {
      this.run.notice({ level: "error", text: `reading ${this.sidecar.outFile} failed (${(err as Error).message})` });
      return { scenarios: new Map(), engine: {}, rows: [] };
    }
  }

  private async measure(pointId: string, windows: readonly ScenarioWindow[]): Promise<PointTelemetry> {
    if (windows.length) await this.settle(Math.max(...windows.map((w) => w.endNs)));
    else this.feed.read();
    const { samples, sampler } = this.feed;
    const scenarios = new Map<string, Record<string, Cell>>();
    const slackNs = 2 * this.run.intervalMs * 1e6;
    if (sampler) {
      for (const [key, group] of byScenario(windows)) {
        if (group.every((w) => covers(samples, w, slackNs))) scenarios.set(key, sampler.scenarioColumns(samples, group));
      }
    }
    return { scenarios, engine: sampler?.engineColumns(samples) ?? {}, rows: this.rows(pointId, windows) };
  }

  /** telemetry.csv rows of the samples not written yet, tagged with the window each fell in. */
  rows(pointId: string, windows: readonly ScenarioWindow[] = []): PointRow[] {
    this.feed.read();
    const { sampler } = this.feed;
    if (!sampler) return [];
    const fresh = this.feed.samples.filter((s) => s.tNs > this.writtenUpToNs);
    if (fresh.length) this.writtenUpToNs = fresh[fresh.length - 1].tNs;
    return fresh.flatMap((s) => sampler.csvRows(s).map((cells) => ({ ...this.tags(pointId, s, windows, sampler.kind), ...cells })));
  }

  private tags(pointId: string, s: Sample, windows: readonly ScenarioWindow[], kind: string): PointRow {
    const w = windowAt(windows, s.tNs);
    return {
      point_id: pointId, server_id: this.serverId, suite: w?.suite, scenario: w?.scenario, repetition: w?.repetition, kind,
      t_ns: s.tNs, time: new Date(s.wallS * 1000).toISOString(),
    };
  }
}

/** Adds a point's telemetry columns to its rows: each scenario's own, and the engine start's to every row. */
export function withTelemetry(rows: PointRow[], t: PointTelemetry): PointRow[] {
  return rows.map((row) => ({ ...row, ...t.engine, ...(t.scenarios.get(scenarioId(String(row.suite ?? ""), String(row.scenario ?? ""))) ?? {}) }));
}
