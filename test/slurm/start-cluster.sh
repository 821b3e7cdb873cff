#!/bin/bash
# Starts a single-node SLURM cluster on loopback for the slurm launcher tests (idempotent: a running,
# healthy cluster is left alone). Needs root and a reachable Debian mirror the first time.
# State, spool, logs and pid files live under $TUNELAB_SLURM_DIR (default /tmp/tunelab-slurm).
set -euo pipefail

DIR="${TUNELAB_SLURM_DIR:-/tmp/tunelab-slurm}"
NODE=localhost
CONF=/etc/slurm/slurm.conf
say() { echo "start-cluster: $*" >&2; }

node_state() { sinfo -h -n "$NODE" -o %t 2>/dev/null | head -n1; }
healthy() { [[ "$(node_state)" =~ ^(idle|mix|alloc)$ ]]; }

if command -v sinfo >/dev/null && healthy; then say "cluster already up"; exit 0; fi

if ! command -v slurmctld >/dev/null || ! command -v munged >/dev/null; then
  say "installing slurm-wlm and munge"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -q slurm-wlm munge >/dev/null 2>&1 || { apt-get update -q >/dev/null && apt-get install -y -q slurm-wlm munge >/dev/null; }
fi

mkdir -p "$DIR/state" "$DIR/spool" /etc/slurm /etc/munge /run/munge /var/lib/munge /var/log/munge
chown -R munge:munge /etc/munge /run/munge /var/lib/munge /var/log/munge
if [[ ! -s /etc/munge/munge.key ]]; then
  say "creating munge key"
  dd if=/dev/urandom of=/etc/munge/munge.key bs=1024 count=1 status=none
  chown munge:munge /etc/munge/munge.key
  chmod 400 /etc/munge/munge.key
fi
if ! munge -n 2>/dev/null | unmunge >/dev/null 2>&1; then
  say "starting munged"
  runuser -u munge -- /usr/sbin/munged --force
  for _ in $(seq 50); do munge -n 2>/dev/null | unmunge >/dev/null 2>&1 && break; sleep 0.2; done
fi

cat >"$CONF.new" <<EOF
ClusterName=tunelab
SlurmctldHost=$NODE
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
ReturnToService=2
StateSaveLocation=$DIR/state
SlurmdSpoolDir=$DIR/spool
SlurmctldPidFile=$DIR/slurmctld.pid
SlurmdPidFile=$DIR/slurmd.pid
SlurmctldLogFile=$DIR/slurmctld.log
SlurmdLogFile=$DIR/slurmd.log
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
KillWait=5
MinJobAge=300
InactiveLimit=0
NodeName=$NODE NodeAddr=127.0.0.1 CPUs=2 State=UNKNOWN
PartitionName=debug Nodes=$NODE Default=YES MaxTime=INFINITE State=UP
EOF
changed=0
if ! cmp -s "$CONF.new" "$CONF"; then mv "$CONF.new" "$CONF"; changed=1; else rm -f "$CONF.new"; fi

alive() { [[ -s "$1" ]] && kill -0 "$(cat "$1")" 2>/dev/null; }
if [[ $changed == 1 ]]; then
  for pidfile in "$DIR/slurmd.pid" "$DIR/slurmctld.pid"; do
    if alive "$pidfile"; then kill "$(cat "$pidfile")"; sleep 1; fi
  done
fi
if ! alive "$DIR/slurmctld.pid"; then say "starting slurmctld"; slurmctld; fi
for _ in $(seq 100); do scontrol ping >/dev/null 2>&1 && break; sleep 0.2; done
if ! alive "$DIR/slurmd.pid"; then say "starting slurmd"; slurmd -N "$NODE"; fi

for _ in $(seq 150); do
  healthy && { say "cluster up (node $NODE: $(node_state))"; exit 0; }
  [[ "$(node_state)" =~ ^(down|drain|drng|fail) ]] && scontrol update nodename="$NODE" state=resume >/dev/null 2>&1 || true
  sleep 0.2
done
say "node $NODE did not become idle (state: $(node_state)); see $DIR/slurmctld.log and $DIR/slurmd.log"
exit 1
