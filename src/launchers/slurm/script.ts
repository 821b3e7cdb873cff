import type { LaunchSpec } from "../../engines/types.ts";
import { beatInterval } from "./heartbeat.ts";
import type { SlurmOptions } from "./options.ts";
import { sidecarShellLine } from "../sidecar.ts";
import type { Sidecar } from "../types.ts";

/** Exit status of the batch script when none of the candidate ports was free on the node. */
export const NO_FREE_PORT_EXIT = 98;
export const NO_FREE_PORT_LINE = "tunelab: no free port among the candidates";

export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_./:=@%+,-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * The batch script for one engine. The lab renders the engine once per candidate port (it cannot know which
 * ports are free on a node it has not been given yet); the script takes the first free one, starts the engine
 * bound to every interface, and atomically writes `{job_id, host, node, port}` to the connection file. While the
 * engine runs, a watcher reads the lab's heartbeat file: when it stops changing for `timeoutS` or disappears,
 * the engine gets TERM, then KILL after `graceS`, and the job ends (no engine outlives a killed lab for long).
 * Environment values are not in the script: sbatch exports them from the lab's environment.
 */
export function renderBatchScript(input: {
  candidates: LaunchSpec[];
  connectionFile: string;
  prelude?: SlurmOptions["prelude"];
  title: string;
  heartbeat: { file: string; timeoutS: number; graceS: number };
  sidecar?: Sidecar;
}): string {
  const { candidates, connectionFile } = input;
  const prelude = input.prelude === undefined ? [] : [input.prelude].flat();
  const conn = shellQuote(connectionFile);
  const cases = candidates.map((s) => `  ${s.port}) ENGINE=(${[s.command, ...s.args].map(shellQuote).join(" ")}) ;;`);
  return [
    "#!/bin/bash",
    `# ${input.title} (written by the tunelab slurm launcher)`,
    ...prelude,
    `port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }`,
    "PORT=",
    `for p in ${candidates.map((s) => s.port).join(" ")}; do if port_free "$p"; then PORT=$p; break; fi; done`,
    `[ -n "$PORT" ] || { echo "${NO_FREE_PORT_LINE}" >&2; exit ${NO_FREE_PORT_EXIT}; }`,
    "case $PORT in",
    ...cases,
    "esac",
    `"\${ENGINE[@]}" &`,
    "PID=$!",
    ...(input.sidecar ? [sidecarShellLine(input.sidecar, "PID", shellQuote)] : []),
    `trap 'kill -TERM $PID 2>/dev/null; wait $PID; exit 143' TERM INT`,
    `printf '{"job_id":"%s","host":"%s","node":"%s","port":%s}\\n' "$SLURM_JOB_ID" "$(hostname)" "\${SLURMD_NODENAME:-}" "$PORT" > ${conn}.tmp.$$ && mv -f ${conn}.tmp.$$ ${conn}`,
    ...heartbeatWatcher(input.heartbeat),
    "wait $PID",
    "code=$?",
    `echo "tunelab: engine exited with code $code" >&2`,
    "exit $code",
    "",
  ].join("\n");
}

/** Bash lines that stop the engine when the lab's beats stop (see renderBatchScript). */
function heartbeatWatcher(h: { file: string; timeoutS: number; graceS: number }): string[] {
  const tick = beatInterval(h.timeoutS);
  const timeout = Math.ceil(h.timeoutS);
  const grace = Math.max(1, Math.ceil(h.graceS));
  return [
    `ALIVE=${shellQuote(h.file)}`,
    "watch_lab() {",
    "  local last= beat= still=0",
    `  while kill -0 "$PID" 2>/dev/null; do`,
    `    sleep ${tick}`,
    `    beat=gone; read -r beat 2>/dev/null <"$ALIVE" || :`,
    `    if [ "$beat" != "$last" ]; then last=$beat; still=0; else still=$((still + ${tick})); fi`,
    `    if [ "$beat" = gone ] || [ "$still" -ge ${timeout} ]; then`,
    `      echo "tunelab: no heartbeat from the lab for ${timeout}s ($ALIVE): stopping the engine" >&2`,
    `      kill -TERM "$PID" 2>/dev/null; sleep ${grace}; kill -KILL "$PID" 2>/dev/null; return`,
    "    fi",
    "  done",
    "}",
    "watch_lab &",
  ];
}

/** sbatch arguments for one engine job (the script path comes last). */
export function sbatchArgs(o: SlurmOptions, job: { name: string; logFile: string; script: string }): string[] {
  const opt = (flag: string, value: string | number | undefined) => (value === undefined ? [] : [`--${flag}=${value}`]);
  return [
    "--parsable", `--job-name=${job.name}`, `--output=${job.logFile}`, "--open-mode=append", "--export=ALL",
    ...opt("partition", o.partition), ...opt("gpus", o.gpus === 0 ? undefined : o.gpus), ...opt("time", o.time), ...opt("account", o.account),
    ...opt("cpus-per-task", o.cpus), ...opt("mem", o.mem), ...o.sbatch_args, job.script,
  ];
}
