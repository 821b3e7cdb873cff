import { badInput } from "../errors.ts";

/** `--budget`: a share of the exhaustive run's engine-seconds ("35%"), or engine-seconds ("5000"). */
export type Budget = { kind: "share"; share: number } | { kind: "seconds"; seconds: number };

export function parseBudget(text: string | undefined): Budget {
  const spec = (text ?? "35%").trim();
  const share = /^(\d+(?:\.\d+)?)%$/.exec(spec);
  if (share && Number(share[1]) > 0 && Number(share[1]) <= 100) return { kind: "share", share: Number(share[1]) / 100 };
  if (/^\d+(\.\d+)?$/.test(spec) && Number(spec) > 0) return { kind: "seconds", seconds: Number(spec) };
  throw badInput(`--budget ${spec}: expected a share of the exhaustive run like 35% or engine-seconds like 5000`);
}

/** The budget in engine-seconds, once the exhaustive run's cost is estimated. */
export function budgetSeconds(budget: Budget, exhaustiveS: number): number {
  return budget.kind === "share" ? budget.share * exhaustiveS : budget.seconds;
}

export function describeBudget(budget: Budget): string {
  return budget.kind === "share" ? `${Math.round(budget.share * 1000) / 10}% of the exhaustive run` : `${budget.seconds} engine-seconds`;
}
