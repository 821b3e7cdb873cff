import { Command, CommanderError } from "commander";
import { describeError } from "../errors.ts";
import { registerCommands } from "./commands/index.ts";
import { labVersion } from "../util/version.ts";

const program = new Command("bench")
  .description("tunelab: benchmark and tune self-hosted LLM servers (vLLM, llama.cpp) for Claude Code")
  .version(labVersion())
  .exitOverride()
  .showSuggestionAfterError()
  .enablePositionalOptions();

// `bench ... | head` closes stdout early: that is not an error.
process.stdout.on("error", (err: NodeJS.ErrnoException) => {
  if (err.code === "EPIPE") process.exit(0);
});

registerCommands(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) {
    process.exitCode = err.exitCode === 0 ? 0 : 2;
  } else {
    const { line, exitCode } = describeError(err);
    if (line) process.stderr.write(line + "\n");
    process.exitCode = exitCode;
  }
}
