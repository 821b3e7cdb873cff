import { badInput } from "../errors.ts";
import { capacitySuite } from "./capacity.ts";
import { chatSuite } from "./chat.ts";
import { concurrencySuite } from "./concurrency.ts";
import { decodeSuite } from "./decode.ts";
import { proxySuite } from "./proxy.ts";
import { replaySuite } from "./replay.ts";
import { sessionSuite } from "./session.ts";
import { toolcallSuite } from "./toolcall.ts";
import { ttftSuite } from "./ttft.ts";
import type { Suite } from "./types.ts";

/** Every suite, keyed on kind; adding a suite is one file plus one line here (and its suites/<kind>.yaml). */
const SUITES: Record<string, Suite<never>> = {
  chat: chatSuite as Suite<never>,
  ttft: ttftSuite as Suite<never>,
  decode: decodeSuite as Suite<never>,
  concurrency: concurrencySuite as Suite<never>,
  toolcall: toolcallSuite as Suite<never>,
  session: sessionSuite as Suite<never>,
  proxy: proxySuite as Suite<never>,
  capacity: capacitySuite as Suite<never>,
  replay: replaySuite as Suite<never>,
};

export function suiteFor(kind: string, where = "suite"): Suite<unknown> {
  const suite = SUITES[kind] as Suite<unknown> | undefined;
  if (!suite) throw badInput(`${where}: unknown suite '${kind}'`, `known: ${Object.keys(SUITES).join(", ")}`);
  return suite;
}

export function suiteKinds(): string[] {
  return Object.keys(SUITES);
}

/** The points.csv columns suites add beyond the metrics', every suite's (so the header is the same for every grid). */
export function suiteColumns(): string[] {
  return [...new Set(Object.values(SUITES).flatMap((s) => (s as Suite<unknown>).columns ?? []))];
}
