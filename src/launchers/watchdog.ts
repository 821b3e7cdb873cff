/**
 * Wraps an engine command so that it cannot outlive the lab, even when the lab is killed with SIGKILL: a small
 * shell runs the engine and watches its own stdin, a pipe from the lab; when the pipe closes (the lab is gone),
 * it sends TERM (and CONT, for a frozen engine) to its whole process group, then KILL after the grace period.
 * Otherwise it exits with the engine's own status (127 when not found).
 */
// A background job's stdin is /dev/null in a non-interactive shell, so the pipe is kept on fd 3 for the watcher.
// Once the lab is gone the watcher lets go of the pipe and ignores TERM itself, so that it lives on to send the
// KILL; until then a TERM from the lab (a normal stop) ends it with the rest of the group.
function script(graceS: number): string {
  return [
    "exec 3<&0",
    '"$@" </dev/null 3<&- & engine=$!',
    `( read -r _ <&3 || :; exec 3<&- </dev/null; trap '' TERM; kill -TERM 0; kill -CONT 0; sleep ${graceS}; kill -KILL 0 ) & watcher=$!`,
    "wait $engine; status=$?",
    "kill -KILL $watcher 2>/dev/null",
    "exit $status",
  ].join("\n");
}

/** `graceS`: seconds between the TERM and the KILL once the lab is gone (the grid's launcher.stop_timeout_s). */
export function withWatchdog(command: string, args: string[], graceS = 15): { command: string; args: string[] } {
  return { command: "/bin/sh", args: ["-c", script(Math.max(1, Math.ceil(graceS))), "tunelab-engine", command, ...args] };
}
