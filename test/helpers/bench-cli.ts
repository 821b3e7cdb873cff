import { benchEntry } from "../../src/util/paths.ts";

/** The compiled CLI, as `npm ci` builds it and package.json's `bin` names it (the test setup rebuilds it first). */
export const BENCH_BIN = benchEntry();
