import type { TuneSummary } from "./run-tune.ts";
import { fmt } from "./tuner.ts";

/** What `bench tune` prints: the winner, engine-seconds spent against the exhaustive run, and every cut with its reason. */
export function tuneReport(s: TuneSummary): string {
  const label = (id: string) => Object.entries(s.configs.find((c) => c.id === id)?.server ?? {}).map(([k, v]) => `${k}=${v}`).join(" ");
  const lines: string[] = [];
  const w = s.winner;
  lines.push(w ? `winner: ${label(w.config)} (server ${w.config}): ${s.objective.metric} ${fmt(w.objective)}; ${w.why}` : "winner: none (no configuration was measured in full)");
  const share = s.exhaustiveEstimateS > 0 ? ` = ${((s.spentS / s.exhaustiveEstimateS) * 100).toFixed(1)}% of the exhaustive run's ~${Math.round(s.exhaustiveEstimateS)}` : "";
  lines.push(`engine-seconds: ${Math.round(s.spentS)} spent${share} (budget ${Number.isFinite(s.budgetS) ? Math.round(s.budgetS) : "-"}, strategy ${s.strategy})`);
  lines.push("decisions:");
  for (const d of s.decisions) {
    const t = d.trial ? ` [${d.fidelity}, ${Math.round(d.trial.engineS)} engine-s]` : "";
    lines.push(`  ${d.decision.padEnd(9)} ${label(d.config)}${t}: ${d.reason}`);
  }
  return lines.join("\n");
}
