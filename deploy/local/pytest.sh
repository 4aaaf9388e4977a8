#!/usr/bin/env bash
# Run the whole test suite against real Kafka and FerretDB (started by the kit's pytest plugin
# when none are running). "No tests collected" (pytest's exit code 5) is a failure here,
# never a silent pass.
set -uo pipefail
RUN=$1; shift  # e.g. "uv run --frozen --no-sync"
$RUN pytest "$@"
rc=$?
if [ "$rc" -eq 5 ]; then
  echo "pytest collected no tests: that is a failure, not a pass" >&2
  exit 1
fi
exit "$rc"
