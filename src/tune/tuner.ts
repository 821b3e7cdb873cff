import { badInput } from "../errors.ts";
import type { ParamValue, SuiteEntry } from "../grid/schema.ts";
import { tpeScores } from "./tpe.ts";
import { fmt, pickWinner } from "./winner.ts";
import { budgetSeconds, type Budget } from "./budget.ts";
import { CostModel } from "./cost-model.ts";
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
  /** The cheap pass, sized by the best full trial so far (its load; for a capacity race, one probe beyond it). */
  screenSuites(best?: TrialResult): SuiteEntry[];
  fullSuites: SuiteEntry[];
  /** The objective's suite for a finalist's repetitions (a capacity search starts at the capacity found). */
  repeatSuites(t: TrialResult): SuiteEntry[];
  repetitions: number;
  /**
   * Capacity objective: a screen probes the best capacity so far plus one; a configuration that holds the SLO
   * there may beat the best and gets the full suites at once, one that does not cannot (capacity is monotone).
   */
  race: boolean;
  /** The most the objective can measure (the capacity search's max_sessions): the best reaching it cannot be beaten. */
  ceiling?: number;
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
/** Finalists are full results within this share of the best: the ones repetitions may reorder. */
const FINALIST_GAP = 0.1;
/** Screens measured before the screening pass's cost is judged against the budget. */
const SCREENS_TO_JUDGE = 3;

/**
 * The search: failure knowledge first (a start failure predicts its kin; the KV capacity reported at startup
 * rules out what cannot hold the best load found so far), then a cheap screen of every configuration (with
 * `bayes`, of the part TPE rates best) and the full suites for the best of them (the best third; for a capacity
 * objective, every configuration that holds the SLO beyond the best capacity so far), finalists repeated. The
 * first configuration that starts (the pilot) is measured in full, so screens have a load to aim at and a share
 * budget an exhaustive estimate to refer to; the estimate is refined with every trial (CostModel).
 */
export class Tuner {
  readonly decisions: Decision[] = [];
  private spent = 0;
  private budgetS = Infinity;
  private exhaustiveS = 0;
  private judged = false;
  /** Configurations the screening pass has yet to take up after the current one. */
  private passLeft = 0;
  private readonly costs = new CostModel();
  /** Engine-seconds spent when each trial ended (the search chart's x axis). */
  private readonly spentAt = new Map<TrialResult, number>();
  /** Configurations whose start failed or is predicted to fail (what the exhaustive run pays only a start for). */
  private readonly failing = new Set<string>();
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
  ) {
    if (budget.kind === "seconds") this.budgetS = budget.seconds;
  }

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
    if (pilot) {
      await this.screenPass(order.filter((c) => c.id !== pilot.id), strategy === "bayes");
      if (!this.plan.race) await this.promote();
      await this.finalists();
    }
    return this.finish();
  }

  /** The first configuration that starts, measured in full: the load screens aim at, the exhaustive estimate's base. */
  private async pilot(order: Config[]): Promise<Config | undefined> {
    for (const c of order) {
      if (this.skipIfPredicted(c)) continue;
      const full = await this.full(c, "pilot: the first configuration is measured in full");
      if (full && !full.failure) return c;
    }
    return undefined;
  }

  /**
   * Screens the configurations in order (with `bayes`: a random quarter, then the ones TPE rates best, up to
   * half). Halving's load is fixed for the pass so that screens compare; a race aims each screen at the best so far.
   */
  private async screenPass(rest: Config[], bayes: boolean): Promise<void> {
    const fixed = this.plan.race ? undefined : this.plan.screenSuites(this.rankedFull()[0]);
    const first = bayes ? Math.max(3, Math.ceil(rest.length * 0.25)) : rest.length;
    const cap = bayes ? Math.max(first, Math.ceil(rest.length * 0.5)) : rest.length;
    const done = new Set<string>();
    while (this.screens.size < cap) {
      const open = rest.filter((c) => !done.has(c.id));
      if (!open.length) break;
      this.passLeft = Math.min(open.filter((c) => !this.predicted.has(c.id)).length, cap - this.screens.size) - 1;
      const next = this.screens.size >= first ? open[this.tpeBest(open)] : open[0];
      done.add(next.id);
      await this.screen(next, fixed);
    }
  }

  private tpeBest(open: Config[]): number {
    const observed = [...this.screens.values()].map((t) => ({ params: this.server(t.config), score: t.screenScore ?? 0 }));
    const merit = tpeScores(open.map((c) => c.server), observed, this.space);
    return merit.indexOf(Math.max(...merit));
  }

  private async screen(c: Config, fixed: SuiteEntry[] | undefined): Promise<void> {
    if (this.skipIfPredicted(c) || this.skipIfKvShort(c)) return;
    const best = this.rankedFull()[0];
    if (this.plan.race && this.plan.ceiling !== undefined && (best?.objective ?? 0) >= this.plan.ceiling) {
      this.note(c, "skipped", "skipped", `the best so far reaches the objective's ceiling (${this.objective.metric} ${fmt(this.plan.ceiling)}, the capacity suite's max_sessions): a configuration can only tie it; raise max_sessions to tell them apart`);
      return;
    }
    const cost = this.costs.screenCost() ?? 0;
    // the first screens run whatever the budget: they tell what a screening pass costs (judge)
    if (this.judged && this.spent + cost > this.budgetS - (this.costs.fullCost() ?? 0)) {
      this.note(c, "skipped", "skipped", `budget: ${Math.round(this.budgetS - this.spent)} engine-seconds left, a screen costs ~${Math.round(cost)} and one full trial is kept in reserve`);
      return;
    }
    const t = await this.trial(c, "screen", fixed ?? this.plan.screenSuites(best));
    if (t.failure) return;
    this.screens.set(c.id, t);
    if (!this.judged && this.costs.screensMeasured >= SCREENS_TO_JUDGE) this.judge();
    if (this.plan.race) await this.race(c, t, best);
  }

  /** A capacity screen held the SLO beyond the best capacity: it may beat it, so it gets the full suites now. */
  private async race(c: Config, t: TrialResult, best: TrialResult | undefined): Promise<void> {
    const at = `${fmt(t.screenSessions)} sessions`;
    const headroom = t.screenScore ? `${fmt(1 / t.screenScore)} of its limit` : "over-saturated";
    if (!t.screenPass) {
      this.note(c, "cut", "screen", `screen: SLO at ${at} ${headroom}: cannot beat the best so far (${fmt(best?.objective)} sessions)`, t);
      return;
    }
    if (this.skipIfKvShort(c)) return;
    if (this.spent + (this.costs.fullCost() ?? 0) > this.budgetS) {
      this.note(c, "cut", "screen", `budget: holds the SLO at ${at} but a full trial costs ~${Math.round(this.costs.fullCost() ?? 0)} engine-seconds, ${Math.round(this.budgetS - this.spent)} left`, t);
      return;
    }
    this.note(c, "kept", "screen", `screen: holds the SLO at ${at} (${headroom}), beyond the best so far (${fmt(best?.objective)})`, t);
    await this.full(c, "full suites");
  }

  /**
   * Once a few screens are measured: exit 2 when the budget cannot pay for screening every configuration the
   * pass has left even at the cheapest screen measured, naming the smallest budget that can. At that point few
   * start failures are known (the estimate counts the rest as full trials) and screens vary in cost, so a budget
   * above that bar runs, and screens it cannot pay for are skipped with their reason.
   */
  private judge(): void {
    this.judged = true;
    const screenPass = this.spent + this.passLeft * (this.costs.cheapestScreen() ?? 0);
    if (this.budgetS >= screenPass) return;
    const share = this.exhaustiveS ? `, or ${Math.ceil((screenPass / (this.exhaustiveS * 0.9)) * 100)}% of the exhaustive run's estimated ${Math.round(this.exhaustiveS)}` : "";
    throw badInput(`--budget: ${Math.round(this.budgetS)} engine-seconds is too small for one screening pass of ${this.configs.length} configurations`,
      `the smallest budget that works is ${Math.ceil(screenPass)} engine-seconds${share}`);
  }

  /** Halving: the best third of the screen (by its score) gets the full suites, as far as the budget allows. */
  private async promote(): Promise<void> {
    const ranked = [...this.screens.values()].filter((t) => !this.fulls.has(t.config) && !this.predicted.has(t.config))
      .sort((a, b) => (b.screenScore ?? -Infinity) - (a.screenScore ?? -Infinity));
    const keep = Math.max(1, Math.ceil((ranked.length + this.fulls.size) * KEEP) - this.fulls.size);
    const threshold = ranked[Math.min(keep, ranked.length) - 1]?.screenScore;
    for (const [i, t] of ranked.entries()) {
      const c = this.byId(t.config);
      if (i >= keep) {
        this.note(c, "cut", "screen", `screen ${fmt(t.screenScore)} tok/s below the best third (>= ${fmt(threshold)})`, t);
        continue;
      }
      if (this.skipIfKvShort(c)) continue;
      if (this.spent + (this.costs.fullCost() ?? 0) > this.budgetS) {
        this.note(c, "cut", "screen", `budget: a full trial costs ~${Math.round(this.costs.fullCost() ?? 0)} engine-seconds, ${Math.round(this.budgetS - this.spent)} left`, t);
        continue;
      }
      this.note(c, "kept", "screen", `screen ${fmt(t.screenScore)} tok/s in the best third`, t);
      await this.full(c, "full suites");
    }
  }

  /** The best full results (those within FINALIST_GAP of the best) get the objective's suite again with repetitions. */
  private async finalists(): Promise<void> {
    const ranked = this.rankedFull();
    const top = ranked[0]?.objective ?? 0;
    const near = ranked.filter((t) => Math.abs((t.objective as number) - top) <= FINALIST_GAP * Math.abs(top)).slice(0, FINALISTS);
    if (near.length < 2 || this.plan.repetitions < 2) return;
    for (const t of near) {
      if (this.spent + (this.costs.fullCost() ?? 0) > this.budgetS) break;
      const r = await this.trial(this.byId(t.config), "repeat", this.plan.repeatSuites(t), this.plan.repetitions);
      if (!r.failure) this.repeats.set(t.config, r);
    }
  }

  private async full(c: Config, why: string): Promise<TrialResult | undefined> {
    if (this.skipIfPredicted(c)) return undefined;
    const t = await this.trial(c, "full", this.plan.fullSuites);
    if (!t.failure) this.fulls.set(c.id, [...(this.fulls.get(c.id) ?? []), t]);
    else this.note(c, "failed", "full", `${why}: start failed (${t.failure})`, t);
    return t;
  }

  private async trial(c: Config, fidelity: Fidelity, suites: SuiteEntry[], repetitions?: number): Promise<TrialResult> {
    const t = await this.run(c, fidelity, suites, repetitions);
    this.spent += t.engineS;
    this.spentAt.set(t, this.spent);
    this.costs.record(t);
    if (t.kvTokens !== undefined) this.kv.set(c.id, t.kvTokens);
    if (t.failure) {
      this.failing.add(c.id);
      if (fidelity !== "full") this.note(c, "failed", fidelity, `start failed (${t.failure})`, t);
      for (const other of this.configs) {
        if (other.id === c.id || this.predicted.has(other.id) || this.tried(other.id)) continue;
        if (predictsFailure(t.failure, c.server, other.server)) {
          this.predicted.set(other.id, `predicted: ${t.failure} (from ${c.points[0].id})`);
          this.failing.add(other.id);
        }
      }
    }
    this.refreshBudget();
    return t;
  }

  /** The exhaustive estimate (CostModel) and, for a share budget, the budget: 10% of it stays back for the estimate's error. */
  private refreshBudget(): void {
    const estimate = this.costs.exhaustiveS(this.configs.map((c) => c.id), this.failing);
    if (estimate === undefined) return;
    this.exhaustiveS = estimate;
    if (this.budget.kind === "share") this.budgetS = budgetSeconds(this.budget, estimate) * 0.9;
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
    const reason = `predicted: kv_capacity (from ${this.byId(best.config).points[0].id}): ${kv} KV tokens cannot hold ${fmt(best.sessions)} requests of ${Math.round(best.context)} tokens in flight`;
    this.predicted.set(c.id, reason);
    this.note(c, "predicted", "predicted", reason);
    return true;
  }

  private bestActive(): { config: string; sessions: number; context: number } | undefined {
    const best = this.rankedFull()[0];
    if (!best || best.activeRequests === undefined || !best.contextTokens) return undefined;
    return { config: best.config, sessions: best.activeRequests, context: best.contextTokens };
  }

  private byId(id: string): Config {
    return this.configs.find((c) => c.id === id) as Config;
  }

  private server(id: string): Config["server"] {
    return this.byId(id).server;
  }

  private rankedFull(): TrialResult[] {
    const sign = this.objective.direction === "max" ? -1 : 1;
    return [...this.fulls.values()].map((ts) => ts[ts.length - 1]).filter((t) => t.objective !== undefined && !t.errors)
      .sort((a, b) => sign * ((a.objective as number) - (b.objective as number)));
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
      const c = this.byId(t.config);
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
