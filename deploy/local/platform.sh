#!/usr/bin/env bash
# The whole platform on this machine: Kafka, FerretDB and every service that exists.
# Usage: platform.sh run|up|down|status
#   run   up, then stream prefixed logs in the foreground; Ctrl-C stops everything in order
#   up    start in the background (pid files and logs under .stint/), wait until ready
#   down  stop services (gateway first), then the infrastructure; nothing is left listening
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
STATE="${STINT_STATE:-$ROOT/.stint}"
RUN="$STATE/run"
LOGS="$STATE/logs"
UV="$("$HERE/tools.sh" uv)"

# Start order; stop order is the reverse (gateway first, infrastructure last).
# name:http-port (metrics/health) — design.md §6
SERVICES="postings:9101 applications:9102 submissions:9103 payouts:9104 notifications:9105 gateway:8080"

present() { [ -f "$ROOT/services/$1/src/$1/__main__.py" ]; }

start_service() {
  local name=$1 port=$2
  if [ -f "$RUN/$name.pid" ] && kill -0 "$(cat "$RUN/$name.pid")" 2>/dev/null; then
    echo "$name already running" >&2; return 0
  fi
  (cd "$ROOT" && exec "$UV" run --frozen --no-sync python -m "$name") >>"$LOGS/$name.log" 2>&1 &
  echo $! >"$RUN/$name.pid"
  for _ in $(seq 1 120); do
    if curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1; then echo "$name ready" >&2; return 0; fi
    kill -0 "$(cat "$RUN/$name.pid")" 2>/dev/null || break
    sleep 0.5
  done
  echo "$name did not become ready; last log lines:" >&2
  tail -n 30 "$LOGS/$name.log" >&2
  return 1
}

stop_service() {
  local name=$1 pid
  [ -f "$RUN/$name.pid" ] || return 0
  pid=$(cat "$RUN/$name.pid")
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$RUN/$name.pid"
  echo "$name stopped" >&2
}

up() {
  mkdir -p "$RUN" "$LOGS"
  (cd "$ROOT" && "$UV" sync --frozen --quiet --all-packages --all-groups)
  # Services inherit the endpoints (ports may be overridden, see deploy/local/README.md).
  eval "$("$HERE/infra.sh" up | sed 's/^/export /')"
  for entry in $SERVICES; do
    present "${entry%%:*}" && start_service "${entry%%:*}" "${entry##*:}"
  done
  echo
  echo "Stint is up."
  echo "  Kafka     127.0.0.1:${STINT_KAFKA_PORT:-9092}"
  echo "  MongoDB   mongodb://127.0.0.1:${STINT_MONGO_PORT:-27017} (FerretDB)"
  if present gateway; then
    echo "  Gateway   http://127.0.0.1:8080   (API docs: http://127.0.0.1:8080/docs)"
  else
    echo "  Gateway   not built yet: services start as they are added under services/"
  fi
  echo "  Logs      $LOGS"
}

down() {
  for entry in $(echo "$SERVICES" | tr ' ' '\n' | tac); do stop_service "${entry%%:*}"; done
  "$HERE/infra.sh" down
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  status) "$HERE/infra.sh" status ;;
  run)
    tail_pid=""
    # Ctrl-C during start-up or later: stop the log stream, then everything, in order.
    trap 'echo; echo "stopping…"; [ -n "$tail_pid" ] && kill "$tail_pid" 2>/dev/null; down; exit 0' INT TERM
    up
    echo "Ctrl-C stops everything."
    touch "$LOGS/infra.log"
    tail -n 0 -F "$LOGS"/*.log 2>/dev/null | sed -u -E 's#^==> .*/([a-z]+)\.log <==$#[\1]#' &
    tail_pid=$!
    wait
    ;;
  *) echo "usage: $0 run|up|down|status" >&2; exit 2 ;;
esac
