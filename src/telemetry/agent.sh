# tunelab telemetry agent: samples an engine's resources on the host where the engine runs (started by the
# local launcher beside the engine, or by a SLURM job script on its node). Arguments: PID KIND INTERVAL_MS.
# KIND is nvidia, proc or auto (nvidia when `nvidia-smi -L` answers, else proc). GPUs: those named by
# CUDA_VISIBLE_DEVICES (indices or GPU- UUIDs, as the engine sees them), else all. It stops when PID is gone.
# Output, one line each:
#   #kind K                    the sampler it chose
#   <epoch s>,<fields...>      a sample (nvidia: nvidia-smi's CSV line per GPU; proc: cpu_ms,rss_kib,processes)
#   #restart TEXT              the sampler exited and was started again
#   #warn TEXT / #error TEXT   a problem (#error: the agent gave up, no more samples)
# A sampler that exits while the engine lives is restarted once, then given up. Bash builtins only in the
# loops (no fork per sample), so sampling costs well under 1% of a core.
export LC_ALL=C

pid=$1 kind=$2 interval_ms=$3
gpu_ids=${CUDA_VISIBLE_DEVICES:-}
[[ $gpu_ids =~ ^([0-9]+|GPU-[0-9a-fA-F-]+)(,([0-9]+|GPU-[0-9a-fA-F-]+))*$ ]] || gpu_ids=
QUERY=index,memory.used,memory.total,utilization.gpu,power.draw,temperature.gpu,clocks.sm

[[ -n ${EPOCHREALTIME:-} ]] || { echo "#error bash 5 or newer is needed on $(hostname) for telemetry timestamps"; exit 1; }
alive() { kill -0 "$pid" 2>/dev/null; }
# sleeping without a fork: a read that times out on a pipe nobody writes to
exec {nap_fd}<> <(:)
printf -v nap_s '%d.%03d' $((interval_ms / 1000)) $((interval_ms % 1000))
nap() { read -r -t "$nap_s" -u "$nap_fd" _ || :; }

# nvidia-smi's CSV lines, each prefixed with the time it arrived; ends (SIGPIPE) when the engine is gone.
# Lines that are not samples (nvidia-smi prints its failures on stdout) go to the error file.
sample_nvidia() {
  local line
  nvidia-smi --query-gpu=$QUERY --format=csv,noheader,nounits -lms "$interval_ms" ${gpu_ids:+-i "$gpu_ids"} 2>>"$err_file" </dev/null |
    while IFS= read -r line; do
      alive || exit 0
      if [[ $line == [0-9]* ]]; then echo "$EPOCHREALTIME,$line"; elif [[ -n $line ]]; then echo "$line" >>"$err_file"; fi
    done
  return "${PIPESTATUS[0]}"
}

# The engine's process group from /proc: CPU time (its processes', plus children they reaped) and RSS.
# Members are found by a scan of every process (every 8th sample for the first 40, then every 32nd: engines
# spawn their workers while starting); in between only the members' own stat files are read. The scan reads
# the group from the 5th field, which is where it is unless the command name holds spaces: such a process is
# read the slow, exact way.
sample_proc() {
  local tck page_kib pgrp line f p comm group n=0 cpu rss count members=()
  tck=$(getconf CLK_TCK) page_kib=$(($(getconf PAGESIZE) / 1024))
  read -r line 2>/dev/null <"/proc/$pid/stat" || { echo "cannot read /proc/$pid/stat" >"$err_file"; return 1; }
  set -- ${line##*) }
  pgrp=$3
  while alive; do
    if (((n < 40 ? n % 8 : n % 32) == 0)); then
      members=()
      for f in /proc/[0-9]*/stat; do
        read -r _ comm _ _ group _ 2>/dev/null <"$f" || continue
        if [[ $comm != *")" ]]; then
          read -r line 2>/dev/null <"$f" || continue
          set -- ${line##*) }
          group=$3
        fi
        [[ $group == "$pgrp" ]] && { p=${f#/proc/}; members+=("${p%/stat}"); }
      done
    fi
    ((n++))
    cpu=0 rss=0 count=0
    for p in "${members[@]}"; do
      read -r line 2>/dev/null <"/proc/$p/stat" || continue
      set -- ${line##*) }
      [[ $3 == "$pgrp" ]] || continue
      ((cpu += ${12} + ${13} + ${14} + ${15}, rss += ${22}, count++))
    done
    echo "$EPOCHREALTIME,$((cpu * 1000 / tck)),$((rss * page_kib)),$count"
    nap
  done
}

err_file=$(mktemp "${TMPDIR:-/tmp}/tunelab-telemetry.XXXXXX") || { echo "#error cannot create a temporary file"; exit 1; }
trap 'rm -f "$err_file"' EXIT
trap 'exit 0' TERM INT

if [[ $kind == auto || $kind == nvidia ]]; then
  if ! command -v nvidia-smi >/dev/null 2>&1; then
    [[ $kind == nvidia ]] && { echo "#error nvidia-smi not found on PATH on $(hostname)"; exit 0; }
    kind=proc
  elif [[ $kind == auto ]]; then
    if nvidia-smi -L >"$err_file" 2>&1; then kind=nvidia; else
      read -r why <"$err_file"
      echo "#warn nvidia-smi failed on $(hostname) (${why:-no message}): GPU columns left empty, sampling the engine's CPU and memory instead"
      kind=proc
    fi
  fi
fi
echo "#kind $kind"

for attempt in 1 2; do
  : >"$err_file"
  "sample_$kind"
  status=$?
  alive || exit 0
  why=
  read -r why <"$err_file"
  why="${why:-no message}"
  [[ $attempt == 1 ]] && echo "#restart $kind sampler exited with status $status ($why)"
done
label="the /proc sampler"
[[ $kind == nvidia ]] && label=nvidia-smi
echo "#error $label on $(hostname) exited twice (status $status: $why), gave up for this engine"
