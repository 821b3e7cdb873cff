import { createRng } from "../sim/rng.ts";

/** A seeded generator (the simulator's mulberry32): the same seed gives the same search. */
export const seededRng: (seed: number) => () => number = createRng;

/** Fisher-Yates with the given generator. */
export function shuffled<T>(items: readonly T[], rng: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}
