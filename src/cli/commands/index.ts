import type { Command } from "commander";
import { register as registerGrid } from "./grid.ts";

/** Each command lives in its own file and exports `register(program)`; add one line per command here. */
const commands: Array<(program: Command) => void> = [
  registerGrid,
];

export function registerCommands(program: Command): void {
  for (const register of commands) register(program);
}
