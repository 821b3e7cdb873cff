import { badInput } from "../errors.ts";
import type { ParamValue, SuiteEntry } from "../grid/schema.ts";
import { tpeScores } from "./tpe.ts";
import { fmt, pickWinner } from "./winner.ts";
import { budgetSeconds, type Budget } from "./budget.ts";
import { predictsFailure, sameMemory } from "./predict.ts";
import { shuffled } from "./rng.ts";
import type { Config, Fidelity, TrialResult } from "./trial.ts";
import type { TuneObjective } from "./objective.ts";

export type Strategy = "halving" | "bayes" | "exhaustive";

/** One line of tune.csv: a trial (or a configuration skipped without one) and what the tuner decided. */
export interface Decision {
  trial?: TrialResult;
  config: string;
  fidelity: Fidelity | "predicted" | "skipped";
  decision: "winner" | "finalist" | "kept" | "cut" | "predicted" | "failed" | "skipped";
  reason: string;
  /** Engine-seconds spent so far when this line was decided. */
  spentS: number;
}

export interface TunerPlan {
  screenSuites(level: number): SuiteEntry[];
  fullSuites: SuiteEntry[];
  repeatSuites: SuiteEntry[];
  repetitions: number;
}

/** Runs trials (the caller replays recorded ones on --resume). */
export type TrialRunner = (config: Config, fidelity: Fidelity, suites: SuiteEntry[], repetitions?: number) => Promise<TrialResult>;

export interface TuneOutcome {
  decisions: Decision[];
  winner?: { config: string; objective: number; why: string };
  spentS: number;
  budgetS: number;
  exhaustiveEstimateS: number;
}

/** Share of screened configurations that moves on to the full suites (successive halving's 1/eta). */
const KEEP = 1 / 3;
const FINALISTS = 3;

/**
 * The search: failure knowledge first (a start failure predicts its kin; the KV capacity reported at startup
 * rules out what cannot hold the best load found so far), then successive halving (screen everything cheaply,
 * the best third to the full suites, finalists repeated) or, with `bayes`, a TPE-guided screen of part of the
 * space. Budgets count engine-seconds; the first configuration (the pilot) is screened and fully measured first
 * so the exhaustive run's cost can be estimated.
 */
export class Tuner {
  readonly decisions: Decision[] = [];
  private spent = 0;
  private budgetS = Infinity;
  private exhaustiveS = 0;
  private screenEstimate = 0;
  private fullCost = 0;
  /** Engine-seconds spent when each trial ended (the search chart's x axis). */
  private readonly spentAt = new Map<TrialResult, number>();
  /** Configurations whose start failed -> what the failed start cost. */
  private readonly failed = new Map<string, number>();
  /** Exhaustive: every configuration runs, predicted or not (the ground truth). */
  private everything = false;
  private readonly predicted = new Map<string, string>();
  private readonly screens = new Map<string, TrialResult>();
  private readonly fulls = new Map<string, TrialResult[]>();
  private readonly repeats = new Map<string, TrialResult>();
  private readonly kv = new Map<string, number>();

  constructor(
    private readonly configs: Config[],
    private readonly objective: TuneObjective,
    private readonly plan: TunerPlan,
    private readonly run: TrialRunner,
    private readonly budget: Budget,
    private readonly rng: () => number,
    /** The values each server parameter takes (TPE's space). */
    private readonly space: Record<string, ParamValue[]>,
  ) {}

  async search(strategy: Strategy): Promise<TuneOutcome> {
    const order = shuffled(this.configs, this.rng);
    if (strategy === "exhaustive") {
      this.everything = true;
      for (const c of order) await this.full(c, "exhaustive: every configuration");
      this.budgetS = this.spent;
      this.exhaustiveS = this.spent;
      return this.finish();
    }
    const pilot = await this.pilot(order);
    if (!pilot) return this.finish();
    const rest = order.filter((c) => c.id !== pilot.id);
    if (strategy === "bayes") await this.screenBayes(rest);
    else await this.screenAll(rest);
    await this.promote();
    await this.finalists();
    return this.finish();
  }

  /** The first configuration that starts: screened, then fully measured; fixes the budget in engine-seconds. */
  private async pilot(order: Config[]): Promise<Config | undefined> {
    for (const c of order) {
      if (this.skipIfPredicted(c)) continue;
      const screen = await this.trial(c, "screen", this.plan.screenSuites(2));
      if (screen.failure) continue;
      this.screens.set(c.id, screen);
      this.note(c, "kept", "screen", "pilot: the first configuration is measured in full to size the budget", screen);
      const full = await this.full(c, "pilot: measures what a full trial costs");
      if (!full || full.failure) continue;
      const starts = this.configs.length;
      this.fullCost = full.engineS;
      this.refreshBudget();
      // the pilot's screen paid the first (cold compile cache) start; later starts cost what its full trial's did
      this.screenEstimate = (full.startupS ?? 0) + screen.engineS - (screen.startupS ?? 0);
      const screenPass = this.spent + (starts - 1 - this.predicted.size) * this.screenEstimate;
      if (this.budgetS < screenPass) {
        const share = Math.ceil((screenPass / (this.exhaustiveS * 0.9)) * 100);
        throw badInput(`--budget: ${Math.round(this.budgetS)} engine-seconds is too small for one screening pass of ${starts} configurations`,
          `the smallest budget that works is ${Math.ceil(screenPass)} engine-seconds, or ${share}% of the exhaustive run's estimated ${Math.round(this.exhaustiveS)}`);
      }
      return c;
    }
    return undefined;
  }

  /**
   * The exhaustive run's estimate: a full trial per configuration that starts, the measured cost of each start
   * that failed or is predicted to (updated as failures are found, so a share of it stays a share of the truth).
   */
  private refreshBudget(): void {
    const fulls = [...this.fulls.values()].flat().map((t) => t.engineS);
    if (fulls.length) this.fullCost = fulls.reduce((a, b) => a + b, 0) / fulls.length;
    if (!this.fullCost) return;
    const failedS = [...this.failed.values()];
    const failCost = failedS.length ? failedS.reduce((a, b) => a + b, 0) / failedS.length : 0;
    const failing = new Set([...this.predicted.keys(), ...this.failed.keys()]);
    this.exhaustiveS = (this.configs.length - failing.size) * this.fullCost + failing.size * failCost;
    // a share of an estimate: 10% of it stays unspent for the estimate's error (full trials differ in cost)
    this.budgetS = budgetSeconds(this.budget, this.exhaustiveS) * (this.budget.kind === "share" ? 0.9 : 1);
  }

  private async screenAll(configs: Config[]): Promise<void> {
    // the load that matters: what the best configuration so far keeps in flight, as a power of two
    const level = 2 ** Math.max(1, Math.round(Math.log2(this.bestActive()?.sessions ?? 2)));
    const cost = this.meanCost("screen");
    for (const c of configs) {
      if (this.skipIfPredicted(c) || this.skipIfKvShort(c)) continue;
      if (this.spent + cost > this.budgetS - this.meanCost("full")) {
        this.note(c, "skipped", "skipped", `budget: ${Math.round(this.budgetS - this.spent)} engine-seconds left, a screen costs ~${Math.round(cost)}`);
        continue;
      }
      const t = await this.trial(c, "screen", this.plan.screenSuites(level));
      if (!t.failure) this.screens.set(c.id, t);
    }
  }

  /**
   * Bayesian screening for large spaces: a random quarter first, then one configuration at a time, the one TPE
   * (fitted on the screen scores so far) rates most likely to be good, until half the space is screened.
   */
  private async screenBayes(rest: Config[]): Promise<void> {
    const first = Math.max(3, Math.ceil(rest.length * 0.25));
    const cap = Math.max(first, Math.ceil(rest.length * 0.5));
    await this.screenAll(rest.slice(0, first));
    while (this.screens.size < cap) {
      const open = rest.filter((c) => !this.tried(c.id) && !this.predicted.has(c.id) && !this.decisions.some((d) => d.config === c.id));
      if (!open.length) break;
      const observed = [...this.screens.values()].map((t) => ({ params: this.server(t.config), score: t.screenScore ?? 0 }));
      const merit = tpeScores(open.map((c) => c.server), observed, this.space);
      const best = merit.indexOf(Math.max(...merit));
      const before = this.decisions.length + this.screens.size;
      await this.screenAll([open[best]]);
      if (this.decisions.length + this.screens.size === before) break;
    }
  }

  /** The best third of the screen (by its score) gets the full suites, as far as the budget allows. */
  private async promote(): Promise<void> {
    const ranked = [...this.screens.values()].filter((t) => !this.fulls.has(t.config) && !this.predicted.has(t.config))
      .sort((a, b) => (b.screenScore ?? -Infinity) - (a.screenScore ?? -Infinity));
    const keep = Math.max(1, Math.ceil((ranked.length + this.fulls.size) * KEEP) - this.fulls.size);
    const threshold = ranked[Math.min(keep, ranked.length) - 1]?.screenScore;
    for (const [i, t] of ranked.entries()) {
      const c = this.configs.find((x) => x.id === t.config) as Config;
      if (i >= keep) {
        this.note(c, "cut", "screen", `screen ${fmt(t.screenScore)} tok/s below the best third (>= ${fmt(threshold)})`, t);
        continue;
      }
      if (this.skipIfKvShort(c)) continue;
      if (this.spent + this.meanCost("full") > this.budgetS) {
        this.note(c, "cut", "screen", `budget: a full trial costs ~${Math.round(this.meanCost("full"))} engine-seconds, ${Math.round(this.budgetS - this.spent)} left`, t);
        continue;
      }
      this.note(c, "kept", "screen", `screen ${fmt(t.screenScore)} tok/s in the best third`, t);
      await this.full(c, "full suites");
    }
  }

  /** The best full results get the objective's suite again with repetitions, for an interval. */
  private async finalists(): Promise<void> {
    const best = this.rankedFull().slice(0, FINALISTS);
    for (const t of best) {
      const c = this.configs.find((x) => x.id === t.config) as Config;
      const cost = this.meanCost("full") * Math.max(1, this.plan.repetitions * 0.5);
      if (this.plan.repetitions < 2 || this.spent + cost > this.budgetS) break;
      const r = await this.trial(c, "repeat", this.plan.repeatSuites, this.plan.repetitions);
      if (!r.failure) this.repeats.set(c.id, r);
    }
  }

  private async full(c: Config, why: string): Promise<TrialResult | undefined> {
    if (this.skipIfPredicted(c)) return undefined;
    const t = await this.trial(c, "full", this.plan.fullSuites);
    if (!t.failure) {
      this.fulls.set(c.id, [...(this.fulls.get(c.id) ?? []), t]);
      this.refreshBudget();
    }
    else this.note(c, "failed", "full", `${why}: start failed (${t.failure})`, t);
    return t;
  }

  private async trial(c: Config, fidelity: Fidelity, suites: SuiteEntry[], repetitions?: number): Promise<TrialResult> {
    const t = await this.run(c, fidelity, suites, repetitions);
    this.spent += t.engineS;
    this.spentAt.set(t, this.spent);
    if (t.kvTokens !== undefined) this.kv.set(c.id, t.kvTokens);
    if (t.failure) {
      this.failed.set(c.id, t.engineS);
      if (fidelity !== "full") this.note(c, "failed", fidelity, `start failed (${t.failure})`, t);
      for (const other of this.configs) {
        if (other.id === c.id || this.predicted.has(other.id) || this.tried(other.id)) continue;
        if (predictsFailure(t.failure, c.server, other.server)) this.predicted.set(other.id, `predicted: ${t.failure} (from ${c.points[0].id})`);
      }
      this.refreshBudget();
    }
    return t;
  }

  private tried(id: string): boolean {
    return this.screens.has(id) || this.fulls.has(id) || this.decisions.some((d) => d.config === id && d.trial);
  }

  private skipIfPredicted(c: Config): boolean {
    if (this.everything) return false;
    const reason = this.predicted.get(c.id);
    if (!reason || this.decisions.some((d) => d.config === c.id && d.fidelity === "predicted")) return Boolean(reason);
    this.note(c, "predicted", "predicted", reason);
    return true;
  }

  /**
   * KV capacity (reported at startup; configurations with the same memory flags report the same) below what the
   * best configuration so far keeps in flight: requests in flight x their context (Little's law at its objective).
   */
  private skipIfKvShort(c: Config): boolean {
    const best = this.bestActive();
    const kv = this.kv.get(c.id) ?? [...this.kv.entries()].find(([id]) => sameMemory(this.server(id), c.server))?.[1];
    if (!best || kv === undefined || c.id === best.config || kv >= best.sessions * best.context) return false;
    const reason = `predicted: kv_capacity (from ${this.configs.find((x) => x.id === best.config)?.points[0].id}): ${kv} KV tokens cannot hold ${fmt(best.sessions)} requests of ${Math.round(best.context)} tokens in flight`;
    this.predicted.set(c.id, reason);
    this.note(c, "predicted", "predicted", reason);
    return true;
  }

  private bestActive(): { config: string; sessions: number; context: number } | undefined {
    const best = this.rankedFull()[0];
    if (!best || best.activeRequests === undefined || !best.contextTokens) return undefined;
    return { config: best.config, sessions: best.activeRequests, context: best.contextTokens };
  }

  private server(id: string): Config["server"] {
    return (this.configs.find((c) => c.id === id) as Config).server;
  }

  private rankedFull(): TrialResult[] {
    const sign = this.objective.direction === "max" ? -1 : 1;
    return [...this.fulls.values()].map((ts) => ts[ts.length - 1]).filter((t) => t.objective !== undefined && !t.errors)
      .sort((a, b) => sign * ((a.objective as number) - (b.objective as number)));
  }

  private meanCost(fidelity: Fidelity): number {
    const all = this.decisions.filter((d) => d.trial?.fidelity === fidelity && !d.trial.failure).map((d) => (d.trial as TrialResult).engineS);
    const done = fidelity === "full" ? [...this.fulls.values()].flat().map((t) => t.engineS) : fidelity === "screen" ? [...this.screens.values()].map((t) => t.engineS) : all;
    if (fidelity === "screen" && done.length < 3) return this.screenEstimate;
    return done.length ? done.reduce((a, b) => a + b, 0) / done.length : 0;
  }

  private note(c: Config, decision: Decision["decision"], fidelity: Decision["fidelity"], reason: string, trial?: TrialResult): void {
    this.decisions.push({ config: c.id, decision, fidelity, reason, trial, spentS: (trial && this.spentAt.get(trial)) ?? this.spent });
  }

  /** Winner: best objective; finalists whose 95% intervals overlap it tie, broken by startup time, then memory headroom. */
  private finish(): TuneOutcome {
    const ranked = this.rankedFull();
    const view = (t: TrialResult) => this.repeats.get(t.config) ?? t;
    const top = ranked[0] && view(ranked[0]);
    const { winner, ties } = pickWinner(ranked.map(view), this.objective.metric);
    for (const t of ranked) {
      const c = this.configs.find((x) => x.id === t.config) as Config;
      const repeat = this.repeats.get(t.config);
      if (repeat) this.note(c, "kept", "full", `a finalist: ${this.objective.metric} ${fmt(t.objective)}, repeated ${this.plan.repetitions} times`, t);
      const seen = repeat ?? t;
      const w = ties[0];
      const tie = ties.some((x) => x.config === t.config)
        ? `ties the winner on ${this.objective.metric} (${fmt(seen.objective)}) but starts slower (${fmt(seen.startupS)} s vs ${fmt(w.startupS)} s)${seen.startupS === w.startupS ? " or has less memory headroom" : ""}`
        : `${this.objective.metric} ${fmt(seen.objective)} below the best (${fmt(top?.objective)})`;
      if (t.config === winner?.config) this.note(c, "winner", repeat ? "repeat" : "full", winner.why, seen);
      else this.note(c, repeat ? "finalist" : "cut", repeat ? "repeat" : "full", tie, seen);
    }
    return { decisions: this.decisions, winner, spentS: this.spent, budgetS: this.budgetS, exhaustiveEstimateS: this.exhaustiveS };
  }
}

export { fmt } from "./winner.ts";
