#!/usr/bin/env bash
# The whole platform on this machine: Kafka, FerretDB and every service that exists.
# Usage: platform.sh run|up|down|status|restart NAME|topics
#   run     up, then stream prefixed logs in the foreground and restart a service that dies
#           (with backoff, and says so); Ctrl-C stops everything in order
#   up      start in the background (pid files and logs under .stint/), wait until ready
#   down    stop services (gateway first), then the infrastructure; nothing is left listening
#   status  every process: pid, ports, ready or not (exit 1 unless all are ready)
#   restart NAME   stop one service and start it again with the environment `up` used
#   topics  create the Kafka topics from stint.contracts.topics (idempotent; `up` does it too)
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
STATE="${STINT_STATE:-$ROOT/.stint}"
RUN="$STATE/run"
LOGS="$STATE/logs"
UV="$("$HERE/tools.sh" uv)"
# shellcheck source=deploy/local/lib.sh
source "$HERE/lib.sh"  # for `alive` (zombie-aware: a stopped service is gone at once)

# Start order; stop order is the reverse (gateway first, infrastructure last).
# name:grpc-port:http-port (metrics/health) — design.md §6. STINT_PORT_OFFSET shifts them all,
# so a second stack (or a test) can run beside the usual one.
SERVICES="postings:50051:9101 applications:50052:9102 submissions:50053:9103 payouts:50054:9104 notifications:50055:9105 outcomes:50056:9106 gateway:0:8080"
OFFSET="${STINT_PORT_OFFSET:-0}"
# The gateway's ops port (/metrics, /healthz, /readyz); its 8080 serves the API only.
GATEWAY_OPS=9100

present() { [ -f "$ROOT/services/$1/src/$1/__main__.py" ]; }

# launch_service NAME GRPC HTTP: start it in the background (unless it runs already).
launch_service() {
  local name=$1 grpc=$(( $2 + OFFSET )) port=$(( $3 + OFFSET ))
  # `alive`, not `kill -0`: a killed service not yet reaped is a zombie that kill -0 still finds,
  # and the supervisor would then "restart" nothing.
  if [ -f "$RUN/$name.pid" ] && alive "$(cat "$RUN/$name.pid")"; then
    echo "$name already running" >&2; return 0
  fi
  # The venv's python directly (not `uv run`), so the pid file names the service process itself.
  # setsid: its own session, so a Ctrl-C in `run`'s terminal does not reach every service at
  # once; `down` stops them one by one, in order. (setsid execs in place here: a background job
  # of a non-interactive shell is never a process-group leader, so $! is the service's pid.)
  (cd "$ROOT" && STINT_GRPC_PORT=$grpc STINT_HTTP_PORT=$port STINT_OPS_PORT=$(( GATEWAY_OPS + OFFSET )) \
    exec setsid "$ROOT/.venv/bin/python" -m "$name" </dev/null) >>"$LOGS/$name.log" 2>&1 &
  echo $! >"$RUN/$name.pid"
}

# await_ready NAME HTTP: until its /readyz answers 200 (60 s), or it exits.
await_ready() {
  local name=$1 port=$(( $2 + OFFSET ))
  for _ in $(seq 1 120); do
    if curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1; then echo "$name ready" >&2; return 0; fi
    alive "$(cat "$RUN/$name.pid")" || break
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
  if alive "$pid"; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 60); do alive "$pid" || break; sleep 0.25; done
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$RUN/$name.pid"
  echo "$name stopped" >&2
}

up() {
  mkdir -p "$RUN" "$LOGS"
  (cd "$ROOT" && "$UV" sync --frozen --quiet --all-packages --all-groups)
  # Services inherit the endpoints (ports may be overridden, see deploy/local/README.md).
  local endpoints
  # Not `eval "$(infra.sh up | …)"`: set -e does not see a failure inside a substitution, and
  # the platform would go on against whatever listens on the default ports.
  endpoints=$("$HERE/infra.sh" up) || { echo "infrastructure did not start" >&2; exit 1; }
  eval "$(sed 's/^/export /' <<<"$endpoints")"
  # Every topic from the one spec, with its partition count, before any service can touch one.
  "$ROOT/.venv/bin/python" "$HERE/topics.py" create
  export STINT_POSTINGS_ADDR="127.0.0.1:$((50051 + OFFSET))" STINT_APPLICATIONS_ADDR="127.0.0.1:$((50052 + OFFSET))" \
    STINT_SUBMISSIONS_ADDR="127.0.0.1:$((50053 + OFFSET))" STINT_PAYOUTS_ADDR="127.0.0.1:$((50054 + OFFSET))" \
    STINT_NOTIFICATIONS_ADDR="127.0.0.1:$((50055 + OFFSET))" STINT_OUTCOMES_ADDR="127.0.0.1:$((50056 + OFFSET))"
  # Local development defaults (production sets real values): a dev JWT secret shared with
  # `make token`, and webhooks may target receivers on this machine.
  export STINT_JWT_SECRET="${STINT_JWT_SECRET:-stint-dev-secret-not-for-production}"
  export STINT_WEBHOOK_ALLOW_LOOPBACK="${STINT_WEBHOOK_ALLOW_LOOPBACK:-true}"
  # Service identity (docs/architecture.md): the gateway signs every backend call and the
  # services verify it. A dev key pair made once per state folder, unless the environment
  # brings one; grpcurl users get reflection locally (it is off by default).
  if [ -z "${STINT_IDENTITY_PRIVATE_KEY:-}" ] || [ -z "${STINT_IDENTITY_PUBLIC_KEYS:-}" ]; then
    local keys="$STATE/identity.env"
    if [ ! -s "$keys" ]; then
      (umask 077 && "$ROOT/.venv/bin/python" -m stint.kit.grpc.service_identity >"$keys.tmp" && mv "$keys.tmp" "$keys")
    fi
    set -a; . "$keys"; set +a
  fi
  export STINT_GRPC_REFLECTION="${STINT_GRPC_REFLECTION:-true}"
  # One process per service writes each database here, so FerretDB's write guard can be an
  # in-process lock instead of a lease document (2 fewer requests per write; stint.kit.docguard).
  # Running a second replica of a service against the same FerretDB needs `lease`.
  export STINT_WRITE_GUARD="${STINT_WRITE_GUARD:-local}"
  # What a later `restart` (or the supervisor) needs to start a service exactly as `up` did,
  # even from another shell or after a crash: every STINT_* setting, secrets included (0600).
  (umask 077 && export -p | grep '^declare -x STINT_' >"$RUN/platform.env")
  rm -f "$RUN/stopping"
  # The services need only Kafka and the database: they start together (much faster than one
  # by one). The gateway's readiness is every backend's, so it starts once they are ready.
  local entry name rest
  for entry in $SERVICES; do
    name=${entry%%:*}; rest=${entry#*:}
    if [ "$name" != gateway ] && present "$name"; then launch_service "$name" "${rest%%:*}" "${rest##*:}"; fi
  done
  for entry in $SERVICES; do
    name=${entry%%:*}; rest=${entry#*:}
    if [ "$name" = gateway ] && present gateway; then launch_service gateway 0 "${rest##*:}"; fi
    local ops="${rest##*:}"; [ "$name" = gateway ] && ops=$GATEWAY_OPS
    if present "$name"; then await_ready "$name" "$ops" || { down; exit 1; }; fi
  done
  echo
  echo "Stint is up."
  echo "  Kafka     127.0.0.1:${STINT_KAFKA_PORT:-9092}"
  echo "  MongoDB   mongodb://127.0.0.1:${STINT_MONGO_PORT:-27017} (FerretDB)"
  if present gateway; then
    echo "  Gateway   http://127.0.0.1:$((8080 + OFFSET))   (API docs: http://127.0.0.1:$((8080 + OFFSET))/docs; metrics and probes: http://127.0.0.1:$((GATEWAY_OPS + OFFSET)))"
    echo "  Token     make token ROLE=employer ORG=cmp_acme SUB=u1   (roles: student employer university admin)"
  else
    echo "  Gateway   not built yet: services start as they are added under services/"
  fi
  echo "  Logs      $LOGS"
  echo "  Demo      make demo   (a whole micro-internship through the REST API)"
}

down() {
  mkdir -p "$RUN" && touch "$RUN/stopping"  # the supervisor must not bring anything back
  for entry in $(echo "$SERVICES" | tr ' ' '\n' | tac); do stop_service "${entry%%:*}"; done
  "$HERE/infra.sh" down
}

# entry_of NAME: its "name:grpc:http" entry of $SERVICES, or nothing.
entry_of() { tr ' ' '\n' <<<"$SERVICES" | grep "^$1:" || true; }
ops_port() { local e; e=$(entry_of "$1"); if [ "$1" = gateway ]; then echo "$GATEWAY_OPS"; else echo "${e##*:}"; fi; }

restart() {
  local name=${1:-} entry rest
  entry=$(entry_of "$name")
  [ -n "$name" ] && [ -n "$entry" ] || { echo "usage: $0 restart <$(tr ' ' '\n' <<<"$SERVICES" | cut -d: -f1 | paste -sd'|')>" >&2; exit 2; }
  [ -f "$RUN/platform.env" ] || { echo "the platform is not up here (no $RUN/platform.env): make up" >&2; exit 1; }
  # shellcheck disable=SC1091
  . "$RUN/platform.env"
  OFFSET="${STINT_PORT_OFFSET:-0}"
  rest=${entry#*:}
  stop_service "$name"
  launch_service "$name" "${rest%%:*}" "${rest##*:}"
  await_ready "$name" "$(ops_port "$name")"
  echo "$name restarted (pid $(cat "$RUN/$name.pid"))"
}

status() {
  local rc=0 entry name rest pid state ops
  # shellcheck disable=SC1091
  [ -f "$RUN/platform.env" ] && . "$RUN/platform.env" && OFFSET="${STINT_PORT_OFFSET:-0}"
  "$HERE/infra.sh" status || rc=1
  printf '%-14s %-8s %-7s %-6s %-6s %s\n' SERVICE PID GRPC HTTP OPS STATE
  for entry in $SERVICES; do
    name=${entry%%:*}; rest=${entry#*:}; ops=$(( $(ops_port "$name") + OFFSET ))
    present "$name" || continue
    pid=$(cat "$RUN/$name.pid" 2>/dev/null || echo -)
    if [ "$pid" = - ] || ! alive "$pid"; then state=stopped; rc=1
    elif curl -fsS -m 1 "http://127.0.0.1:$ops/readyz" >/dev/null 2>&1; then state=ready
    else state="not ready"; rc=1; fi
    printf '%-14s %-8s %-7s %-6s %-6s %s\n' "$name" "$pid" "$(( ${rest%%:*} + OFFSET ))" "$(( ${rest##*:} + OFFSET ))" "$ops" "$state"
  done
  return "$rc"
}

# supervise: every second, a service whose process is gone is started again, after 1, 2, 4 …
# 30 s (the count resets once it has stayed up for a minute), and the log says so.
supervise() {
  local -A failures=() since=()
  local entry name rest pid wait
  while [ ! -f "$RUN/stopping" ]; do
    for entry in $SERVICES; do
      name=${entry%%:*}; rest=${entry#*:}
      present "$name" && [ -f "$RUN/$name.pid" ] || continue
      pid=$(cat "$RUN/$name.pid")
      if alive "$pid"; then
        if [ $(( SECONDS - ${since[$name]:-0} )) -gt 60 ]; then failures[$name]=0; fi
        continue
      fi
      [ -f "$RUN/stopping" ] && break
      failures[$name]=$(( ${failures[$name]:-0} + 1 ))
      wait=$(( 1 << (failures[$name] - 1) )); [ "$wait" -gt 30 ] && wait=30
      echo "[supervisor] $name (pid $pid) is gone; restarting it in ${wait}s (restart ${failures[$name]})" | tee -a "$LOGS/supervisor.log" >&2
      sleep "$wait"
      [ -f "$RUN/stopping" ] && break
      launch_service "$name" "${rest%%:*}" "${rest##*:}"
      since[$name]=$SECONDS
      echo "[supervisor] $name started again (pid $(cat "$RUN/$name.pid"))" | tee -a "$LOGS/supervisor.log" >&2
    done
    sleep 1
  done
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  status) status ;;
  restart) shift; restart "${1:-}" ;;
  topics)
    (cd "$ROOT" && "$UV" sync --frozen --quiet --all-packages --all-groups)
    STINT_KAFKA_BOOTSTRAP="${STINT_KAFKA_BOOTSTRAP:-127.0.0.1:${STINT_KAFKA_PORT:-9092}}" \
      "$ROOT/.venv/bin/python" "$HERE/topics.py" create
    ;;
  run)
    logs_pid="" supervisor_pid=""
    # Ctrl-C during start-up or later: stop everything in order (gateway first, infrastructure
    # last) while the log stream still shows it, then the log stream.
    # end PID: TERM, up to 3 s to go, then KILL — never an unbounded `wait` inside this trap
    # (seen hanging under load in CI with the supervisor mid-sleep).
    end() {
      kill "$1" 2>/dev/null || true
      for _ in $(seq 1 30); do alive "$1" || return 0; sleep 0.1; done
      kill -KILL "$1" 2>/dev/null || true
    }
    stop_all() {
      trap '' INT TERM
      echo; echo "stopping…"
      touch "$RUN/stopping"
      if [ -n "$supervisor_pid" ]; then end "$supervisor_pid"; fi
      down
      if [ -n "$logs_pid" ]; then end "$logs_pid"; fi
      exit 0
    }
    trap stop_all INT TERM
    up
    supervise &
    supervisor_pid=$!
    echo "Ctrl-C stops everything. A service that dies is started again (see [supervisor] lines)."
    mkdir -p "$LOGS"
    # One line per log line, prefixed [service]; it ignores SIGINT so shutdown lines still show.
    "$ROOT/.venv/bin/python" "$HERE/logs.py" "$LOGS" &
    logs_pid=$!
    wait "$logs_pid" || true
    stop_all
    ;;
  *) echo "usage: $0 run|up|down|status|restart NAME|topics" >&2; exit 2 ;;
esac
