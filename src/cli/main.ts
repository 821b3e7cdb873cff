#!/usr/bin/env node
import { Command, CommanderError } from "commander";
import { debugEnabled, describeError, EXIT } from "../errors.ts";
import { registerCommands } from "./commands/index.ts";
import { labVersion } from "../util/version.ts";

const debug = debugEnabled();
const program = new Command("bench")
  .description("tunelab: benchmark and tune self-hosted LLM servers (vLLM, llama.cpp) for Claude Code")
  .version(labVersion())
  .option("--debug", "print the stack trace of an unexpected error (also TUNELAB_DEBUG=1); allowed after any command")
  .exitOverride()
  .showSuggestionAfterError()
  .enablePositionalOptions();

// `bench ... | head` closes stdout early: that is not an error.
process.stdout.on("error", (err: NodeJS.ErrnoException) => {
  if (err.code === "EPIPE") process.exit(0);
});

registerCommands(program);

try {
  await program.parseAsync(withoutDebugFlag(process.argv));
} catch (err) {
  if (err instanceof CommanderError) {
    process.exitCode = err.exitCode === 0 ? EXIT.ok : EXIT.badInput;
  } else {
    const { line, exitCode } = describeError(err, debug);
    process.stderr.write(line + "\n");
    process.exitCode = exitCode;
  }
}

/** `--debug` may follow any command (it is read before parsing); arguments after `--` are left alone. */
function withoutDebugFlag(argv: string[]): string[] {
  const dashes = argv.indexOf("--");
  const end = dashes === -1 ? argv.length : dashes;
  return [...argv.slice(0, end).filter((a, i) => i < 2 || a !== "--debug"), ...argv.slice(end)];
}
