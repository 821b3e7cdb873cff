import { badInput } from "../errors.ts";
import { chatSuite } from "./chat.ts";
import type { Suite } from "./types.ts";

/** Every suite, keyed on kind; adding a suite is one file plus one line here. */
const SUITES: Record<string, Suite<never>> = {
  chat: chatSuite as Suite<never>,
};

export function suiteFor(kind: string, where = "suite"): Suite<unknown> {
  const suite = SUITES[kind] as Suite<unknown> | undefined;
  if (!suite) throw badInput(`${where}: unknown suite '${kind}'`, `known: ${Object.keys(SUITES).join(", ")}`);
  return suite;
}

export function suiteKinds(): string[] {
  return Object.keys(SUITES);
}
