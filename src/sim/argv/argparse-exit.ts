/** What argparse does instead of returning: print usage/help and exit (2 on a usage error, 0 after --help). */
export class ArgparseExit extends Error {
  constructor(
    readonly exitCode: 0 | 2,
    readonly output: string,
  ) {
    super(output.trim().split("\n").at(-1) ?? "argparse exit");
    this.name = "ArgparseExit";
  }
}

export const USAGE = "usage: vllm serve [model_tag] [options]";
export const PROG = "vllm serve";

export function usageError(message: string): ArgparseExit {
  return new ArgparseExit(2, `${USAGE}\n${PROG}: error: ${message}\n`);
}
