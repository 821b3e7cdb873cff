import type { FailureCause } from "./types.ts";

/**
 * Failure lines most servers print in one form or another (Python argparse, getopt, clap, CUDA, POSIX bind);
 * read from the log's tail, where a dying server writes its reason. First match wins.
 */
const RULES: Array<[RegExp, FailureCause]> = [
  [/address already in use|EADDRINUSE|\[Errno 98\]|couldn't bind|could not bind|failed to bind|bind\(\) failed/i, "bind_failed"],
  [/out of memory|OutOfMemoryError|\bMemoryError\b|cannot allocate memory|std::bad_alloc|unable to allocate|failed to allocate/i, "oom"],
  [/kv cache .*(too small|not enough|insufficient)|no available memory for the cache blocks|max seq len .* larger than the available kv cache/i, "kv_cache_too_small"],
  [/unrecognized arguments?|unknown (option|argument|flag)|unexpected argument|no such option|invalid (argument|option|choice|value)|error: argument |^usage: |\bunsupported [\w -]+: /im, "invalid_config"],
];

/** Exit statuses with a conventional meaning, for servers whose log says nothing we know. */
const EXIT_CODES: Record<number, FailureCause> = {
  2: "invalid_config", // command-line usage error (argparse, getopt, clap, BSD sysexits' EX_USAGE neighbour)
  126: "missing_binary", // found but not executable
  127: "missing_binary", // not found
  137: "oom", // SIGKILL before ready: nobody but the kernel's OOM killer sends it then
};

/** The generic engine's classifier: the log's last lines first, then the exit status. */
export function classifyCommandLog(log: string, exitCode?: number | null): FailureCause | undefined {
  const tail = log.split("\n").filter((l) => l.trim() !== "").slice(-60).join("\n");
  for (const [pattern, cause] of RULES) if (pattern.test(tail)) return cause;
  return exitCode === undefined || exitCode === null ? undefined : EXIT_CODES[exitCode];
}
