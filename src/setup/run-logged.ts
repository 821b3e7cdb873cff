import { execa } from "execa";
import { failure } from "../errors.ts";

const TAIL_LINES = 8;

/** Runs one command with its output appended to a log; a failure names the log and quotes its last lines. */
export async function runLogged(cmd: string[], log: NodeJS.WritableStream, logPath: string, onLine?: (line: string) => void): Promise<void> {
  log.write(`$ ${cmd.join(" ")}\n`);
  const tail: string[] = [];
  const proc = execa(cmd[0], cmd.slice(1), { all: true, reject: false, buffer: false, stdin: "ignore" });
  for await (const line of proc.iterable({ from: "all" })) {
    log.write(line + "\n");
    tail.push(line);
    if (tail.length > TAIL_LINES) tail.shift();
    onLine?.(line);
  }
  const { exitCode, failed, message } = await proc;
  if (failed) {
    const why = exitCode === undefined ? message : `exit ${exitCode}`;
    throw failure(`${cmd.slice(0, 2).join(" ")} failed (${why}); see ${logPath}:\n${tail.join("\n")}`);
  }
}
