#!/usr/bin/env bash
# Local infrastructure for Stint: Kafka + FerretDB (MongoDB wire protocol).
# Usage: infra.sh up|down|status
#   up     install what is missing, start both, print the endpoints on stdout
#          as KEY=VALUE lines (progress goes to stderr), e.g.
#          eval "$(deploy/local/infra.sh up | sed 's/^/export /')"
#   down   stop both
#   status print both states; exit 1 unless both run
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=deploy/local/lib.sh
source "$HERE/lib.sh"

# One `up` or `down` at a time per state directory: two concurrent `up`s both ran initdb on
# the same PostgreSQL directory and left it broken. The second waits for the first (which
# started everything, so its own start finds it running), then goes on. `flock -o`: the
# daemons `up` starts must not inherit the lock's descriptor, or they would hold it for their
# whole life and every later `down` would wait for ever.
if [[ ("${1:-}" == up || "${1:-}" == down) && -z "${STINT_INFRA_LOCKED:-}" ]]; then
  mkdir -p "$STINT_STATE"
  STINT_INFRA_LOCKED=1 exec flock -o "$STINT_STATE/infra.lock" "$0" "$@"
fi

endpoints() {
  echo "STINT_KAFKA_BOOTSTRAP=127.0.0.1:${STINT_KAFKA_PORT:-9092}"
  echo "STINT_MONGO_URI=mongodb://127.0.0.1:${STINT_MONGO_PORT:-27017}/?directConnection=true"
}

case "${1:-}" in
  up)
    "$HERE/ferretdb.sh" install
    "$HERE/kafka.sh" install
    "$HERE/ferretdb.sh" start
    "$HERE/kafka.sh" start
    endpoints
    ;;
  down)
    rc=0
    "$HERE/kafka.sh" stop || rc=1
    "$HERE/ferretdb.sh" stop || rc=1
    exit "$rc"
    ;;
  status)
    rc=0
    "$HERE/kafka.sh" status || rc=1
    "$HERE/ferretdb.sh" status || rc=1
    exit "$rc"
    ;;
  *)
    echo "usage: $0 up|down|status" >&2
    exit 2
    ;;
esac
