#!/bin/bash
# Starts a Docker engine for the docker launcher tests (idempotent: an engine that answers `docker info` is left
# alone). Installs Debian's docker.io (dockerd, containerd, runc) and docker-compose (the v1 CLI) the first
# time; needs root and a reachable Debian mirror. The lab itself never starts a daemon: only tests do.
# The daemon's log and pid file live under $TUNELAB_DOCKER_DIR (default /tmp/tunelab-docker).
set -euo pipefail

DIR="${TUNELAB_DOCKER_DIR:-/tmp/tunelab-docker}"
say() { echo "start-engine: $*" >&2; }
answers() { timeout 20 docker info --format '{{.ServerVersion}}' >/dev/null 2>&1; }

missing=()
command -v dockerd >/dev/null || missing+=(docker.io)
command -v docker-compose >/dev/null || missing+=(docker-compose)
if ((${#missing[@]})); then
  say "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null 2>&1 ||
    { apt-get update -q >/dev/null && apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null; }
fi

if answers; then say "engine already up ($(docker info --format '{{.ServerVersion}}'))"; exit 0; fi

mkdir -p "$DIR"
alive() { [[ -s "$1" ]] && kill -0 "$(cat "$1")" 2>/dev/null; }
if ! alive "$DIR/dockerd.pid"; then
  say "starting dockerd (log: $DIR/dockerd.log)"
  # setsid: the daemon outlives this script and the test run, as a system service would
  setsid dockerd --pidfile "$DIR/dockerd.pid" >>"$DIR/dockerd.log" 2>&1 </dev/null &
fi
for _ in $(seq 150); do
  answers && { say "engine up ($(docker info --format '{{.ServerVersion}}'))"; exit 0; }
  sleep 0.2
done
say "dockerd did not answer \`docker info\` within 30 s; see $DIR/dockerd.log"
tail -n 20 "$DIR/dockerd.log" >&2 || true
exit 1
