import { describeObjective } from "../report/objective.ts";
import { describeCheck, round, type Evaluated, type Selection } from "../report/select.ts";

/** Why the winner won, for the terminal: objective, margin over the runner-up, SLOs, Pareto front, exclusions. */
export function explain(sel: Selection): string {
  const w = sel.winner!;
  const m = sel.objective.metric;
  const lines = [`winner: ${w.candidate.label} (points ${w.candidate.pointIds.join(", ")})`];
  lines.push(`  objective: ${describeObjective(sel.objective, sel.scenario)} = ${round(w.objective as number)}`);
  if (sel.runnerUp) {
    const r = sel.runnerUp.objective as number;
    const pct = r === 0 ? "" : ` (${(((w.objective as number) - r) / Math.abs(r)) * 100 >= 0 ? "+" : ""}${((((w.objective as number) - r) / Math.abs(r)) * 100).toFixed(1)}%)`;
    lines.push(`  runner-up: ${sel.runnerUp.candidate.label}: ${m} ${round(r)}${pct}`);
  } else {
    lines.push("  runner-up: none (the only feasible configuration)");
  }
  for (const c of w.checks) lines.push(`  SLO ${describeCheck(c)}: met`);
  if (!sel.slos.length) lines.push("  SLOs: none given (add --slo 'ttft_ms_p99<=2000' to constrain)");
  const axes = `${sel.latencyMetric} vs output_tok_s @ ${sel.scenario}`;
  lines.push(`  Pareto front (${axes}): ${sel.front.length} of ${sel.evaluated.length} configurations; the winner is ${w.onFront ? "on it" : "not on it (the objective is another metric)"}`);
  const excluded = sel.evaluated.filter((e: Evaluated) => e.excluded);
  for (const e of excluded) lines.push(`  excluded: ${e.candidate.label}: ${e.excluded}`);
  return lines.join("\n");
}
