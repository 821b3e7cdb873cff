import { existsSync } from "node:fs";
import { badInput } from "../errors.ts";
import { onPath } from "../setup/system-tools.ts";

/** A command (looked up on PATH) or a path that must exist; otherwise bad input with the engine's install hint. */
export function executableOrFail(command: string, message: string, hint: string): void {
  if (!(command.includes("/") ? existsSync(command) : onPath(command))) throw badInput(message, hint);
}

export function existingFile(path: string, message: string, hint: string): void {
  if (!existsSync(path)) throw badInput(message, hint);
}
