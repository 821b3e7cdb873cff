/**
 * Wraps an engine command so that it cannot outlive the lab, even when the lab is killed with SIGKILL: a small
 * shell runs the engine and watches its own stdin, a pipe from the lab; when the pipe closes (the lab is gone),
 * it stops its whole process group. Otherwise it exits with the engine's own status (127 when not found).
 */
// A background job's stdin is /dev/null in a non-interactive shell, so the pipe is kept on fd 3 for the watcher.
const SCRIPT = [
  "exec 3<&0",
  '"$@" </dev/null 3<&- & engine=$!',
  "( read -r _ <&3 || :; kill -TERM 0 ) & watcher=$!",
  "wait $engine; status=$?",
  "kill $watcher 2>/dev/null",
  "exit $status",
].join("\n");

export function withWatchdog(command: string, args: string[]): { command: string; args: string[] } {
  return { command: "/bin/sh", args: ["-c", SCRIPT, "tunelab-engine", command, ...args] };
}
