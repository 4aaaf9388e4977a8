#!/usr/bin/env bash
# FerretDB (MongoDB wire protocol) on a private PostgreSQL cluster (postgres.sh) for
# local dev/CI, no Docker. start/stop/status/install cover both: PostgreSQL starts first
# and stops last.
# Usage: ferretdb.sh install|start|stop|status
set -euo pipefail
# shellcheck source=deploy/local/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
POSTGRES="$STINT_ROOT/deploy/local/postgres.sh"

FERRETDB_MODULE=github.com/FerretDB/FerretDB
FERRETDB_VERSION=v1.24.2
BIN_DIR="$STINT_CACHE/bin"
FERRETDB="$BIN_DIR/ferretdb"
DIR="$STINT_STATE/ferretdb"
PIDFILE="$DIR/ferretdb.pid"
LOGFILE="$DIR/ferretdb.log"
PORT="${STINT_MONGO_PORT:-27017}"
DEBUG_PORT="${STINT_FERRETDB_DEBUG_PORT:-8088}"
START_TIMEOUT="${STINT_FERRETDB_START_TIMEOUT:-30}"
export DO_NOT_TRACK=1

# Our build of it: the release plus deploy/local/ferretdb-id-equality.patch (why: see the
# patch and deploy/local/README.md). The label is in `--version`, so a binary built before the
# patch (or with another one) is rebuilt.
PATCH="$STINT_ROOT/deploy/local/ferretdb-id-equality.patch"
PACKAGE_LABEL=stint-local+id-equality

# has_version BIN: BIN runs and reports $FERRETDB_VERSION and our package label. (Output
# captured first: `... | grep -q` under pipefail fails when grep exits early.)
has_version() {
  local out
  [[ -x "$1" ]] && out=$("$1" --version 2>/dev/null) &&
    grep -qx "version: $FERRETDB_VERSION" <<<"$out" &&
    grep -qx "package: $PACKAGE_LABEL" <<<"$out"
}

installed() { has_version "$FERRETDB"; }

cmd_install() {
  local tmp src
  "$POSTGRES" install
  if installed; then
    log "ferretdb $FERRETDB_VERSION already installed: $FERRETDB"
    return 0
  fi
  command -v go >/dev/null || die "go not found (need Go >= 1.24, or >= 1.21 with GOTOOLCHAIN=auto)"
  mkdir -p "$BIN_DIR"
  tmp=$(make_tmpdir ferretdb-build)
  rm_on_exit "$tmp"
  log "building ferretdb $FERRETDB_VERSION into $BIN_DIR (first time: ~2 min)"
  # A plain `go install ...@v1.24.2` builds a binary that panics at startup:
  # the module zip lacks the generated build/version/version.txt, which the
  # binary requires when its main module is FerretDB. So fetch the module,
  # build a writable copy with that file added, and rename the result into
  # place only once it runs, so an interrupted install leaves nothing behind.
  src=$(GOTOOLCHAIN=auto go mod download -json "$FERRETDB_MODULE@$FERRETDB_VERSION" |
    sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
  [[ -d "$src" ]] || die "go mod download did not report a module directory"
  cp -R "$src" "$tmp/src"
  chmod -R u+w "$tmp/src"
  printf '%s\n' "$FERRETDB_VERSION" >"$tmp/src/build/version/version.txt"
  printf '%s\n' "$PACKAGE_LABEL" >"$tmp/src/build/version/package.txt"
  (cd "$tmp/src" && git apply "$PATCH") || die "could not apply $PATCH"
  (cd "$tmp/src" && GOTOOLCHAIN=auto go build -trimpath -buildvcs=false -o "$tmp/ferretdb" ./cmd/ferretdb)
  has_version "$tmp/ferretdb" || die "built binary does not report $FERRETDB_VERSION"
  mv -f "$tmp/ferretdb" "$FERRETDB"
  installed || die "installed binary does not report $FERRETDB_VERSION"
  log "installed $FERRETDB"
}

running_pid() { pid_matches "$PIDFILE" "$FERRETDB"; }

# wire_ping: send a MongoDB OP_MSG {ping: 1} and expect {ok: 1.0} back.
# Neither `ferretdb ping` (a no-op unless --setup-database is used) nor the
# debug /debug/readyz probe (same condition; otherwise it only checks that the
# listener exists) proves that the server answers, so speak the wire protocol
# with the Python standard library (no pymongo needed).
wire_ping() {
  python3 - "$PORT" <<'PY' 2>/dev/null
import socket, struct, sys
doc = b"\x10ping\x00" + struct.pack("<i", 1) + b"\x02$db\x00" + struct.pack("<i", 6) + b"admin\x00"
doc = struct.pack("<i", len(doc) + 5) + doc + b"\x00"
body = struct.pack("<iB", 0, 0) + doc                       # flagBits, section kind 0
msg = struct.pack("<iiii", 16 + len(body), 1, 0, 2013) + body  # 2013 = OP_MSG
with socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=2) as s:
    s.sendall(msg)
    buf = b""
    while len(buf) < 4 or len(buf) < struct.unpack("<i", buf[:4])[0]:
        chunk = s.recv(65536)
        if not chunk:
            sys.exit(1)
        buf += chunk
sys.exit(0 if b"\x01ok\x00" + struct.pack("<d", 1.0) in buf else 1)
PY
}

ready() { wire_ping; }

cmd_start() {
  local pid deadline t0 p url
  "$POSTGRES" start
  if pid=$(running_pid) && ready; then
    log "ferretdb already running (pid $pid) on 127.0.0.1:$PORT"
    return 0
  fi
  [[ -n "${pid:-}" ]] && die "ferretdb pid $pid is alive but does not answer on $PORT; run '$0 stop' first"
  installed || die "ferretdb $FERRETDB_VERSION not installed; run '$0 install'"
  for p in "$PORT" "$DEBUG_PORT"; do
    port_listening "$p" && die "port $p is already in use by another process"
  done
  mkdir -p "$DIR/state"
  url=$("$POSTGRES" url)
  log "starting ferretdb on 127.0.0.1:$PORT (log: $LOGFILE)"
  t0=$(date +%s.%N)
  spawn "$LOGFILE" "$PIDFILE" "$FERRETDB" \
    --handler=postgresql \
    --postgresql-url="$url" \
    --listen-addr="127.0.0.1:$PORT" \
    --debug-addr="127.0.0.1:$DEBUG_PORT" \
    --state-dir="$DIR/state" \
    --telemetry=disable \
    --log-level=warn
  deadline=$(( $(now_s) + START_TIMEOUT ))
  until ready; do
    if ! running_pid >/dev/null; then
      tail -n 30 "$LOGFILE" >&2 || true
      cmd_stop || true # and its PostgreSQL
      die "ferretdb exited during startup"
    fi
    if (( $(now_s) >= deadline )); then
      tail -n 30 "$LOGFILE" >&2 || true
      cmd_stop || true # leave nothing half-started behind
      die "ferretdb not ready after ${START_TIMEOUT}s (STINT_FERRETDB_START_TIMEOUT)"
    fi
    sleep 0.1
  done
  log "ferretdb ready in $(awk -v t0="$t0" -v t1="$(date +%s.%N)" 'BEGIN{printf "%.1f", t1-t0}')s (pid $(<"$PIDFILE"))"
}

# cmd_stop: FerretDB first (its clients), then PostgreSQL, also when the first fails.
cmd_stop() {
  local rc=0
  (stop_pid ferretdb "$PIDFILE" "$FERRETDB" 15 "$PORT" "$DEBUG_PORT") || rc=1
  "$POSTGRES" stop || rc=1
  return "$rc"
}

cmd_status() {
  local pid rc=0
  if pid=$(running_pid) && ready; then
    echo "ferretdb: running (pid $pid, mongodb://127.0.0.1:$PORT/)"
  elif [[ -n "${pid:-}" ]]; then
    echo "ferretdb: starting or hung (pid $pid, not answering)"
    rc=1
  else
    echo "ferretdb: stopped"
    rc=1
  fi
  "$POSTGRES" status || rc=1
  return "$rc"
}

case "${1:-}" in
  install | start | stop | status) "cmd_$1" ;;
  *) echo "usage: $0 install|start|stop|status" >&2; exit 2 ;;
esac
