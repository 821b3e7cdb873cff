#!/bin/bash
# Builds Docker Compose v2 (the `docker compose` CLI plugin) from the Go module proxy, once, and caches it as
# $CACHE/docker-compose/<version>/cli-plugins/docker-compose. Prints that version's folder: point DOCKER_CONFIG
# at it and `docker compose` finds the plugin. Needs `go` (Go 1.24 or newer, or a Go that may fetch one from
# the module proxy); without it, prints nothing and exits 0 so the tests run with the v1 CLI alone.
# Debian ships only v1 (docker-compose 1.29); image registries and GitHub releases are out of reach here.
set -euo pipefail

VERSION="${TUNELAB_COMPOSE_V2_VERSION:-v2.40.3}"
CACHE="${TUNELAB_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/tunelab}"
DIR="$CACHE/docker-compose/$VERSION"
PLUGIN="$DIR/cli-plugins/docker-compose"
say() { echo "build-compose-v2: $*" >&2; }

if [[ -x "$PLUGIN" ]]; then echo "$DIR"; exit 0; fi
if ! command -v go >/dev/null; then say "no go toolchain: skipping compose $VERSION (tests use docker-compose v1)"; exit 0; fi

mkdir -p "$DIR"
exec 9>"$DIR/build.lock"
flock 9 # another process may be building it: wait for that build
if [[ -x "$PLUGIN" ]]; then echo "$DIR"; exit 0; fi

WORK="$DIR/build.partial"
rm -rf "$WORK" && mkdir -p "$WORK"
export GOPATH="$WORK/gopath" GOMODCACHE="$WORK/gopath/mod" GOCACHE="$WORK/gocache" GOFLAGS="-modcacherw -buildvcs=false"
started=$SECONDS
say "downloading github.com/docker/compose/v2@$VERSION from the Go module proxy"
src=$(cd "$WORK" && go mod download -json "github.com/docker/compose/v2@$VERSION" | sed -n 's/^\s*"Dir": "\(.*\)",$/\1/p')
[[ -d "$src" ]] || { say "module download failed"; exit 1; }
# its go.mod has exclude directives, so `go install pkg@version` refuses it: build inside the module instead
say "building compose $VERSION (log: $WORK/build.log)"
if ! (cd "$src" && go build -trimpath -ldflags "-w -s -X github.com/docker/compose/v2/internal.Version=$VERSION" \
      -o "$WORK/docker-compose" ./cmd) >"$WORK/build.log" 2>&1; then
  tail -n 20 "$WORK/build.log" >&2; exit 1
fi
mkdir -p "$DIR/cli-plugins"
mv "$WORK/docker-compose" "$PLUGIN.partial" && mv "$PLUGIN.partial" "$PLUGIN"
rm -rf "$WORK"
say "built compose $VERSION in $((SECONDS - started)) s"
echo "$DIR"
