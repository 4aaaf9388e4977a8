# shellcheck shell=bash
# Helpers shared by kafka.sh and ferretdb.sh. Sourced, never executed.

# Go from go.dev installs into /usr/local/go/bin, which a minimal PATH lacks.
command -v go >/dev/null 2>&1 || { [ -x /usr/local/go/bin/go ] && PATH="$PATH:/usr/local/go/bin"; }

# Repo root = two levels above this file (deploy/local/lib.sh).
STINT_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
STINT_CACHE="${STINT_CACHE:-$HOME/.cache/stint}"
STINT_STATE="${STINT_STATE:-$STINT_ROOT/.stint}"
export STINT_ROOT STINT_CACHE STINT_STATE

log() { printf '%s: %s\n' "${0##*/}" "$*" >&2; }
die() { log "error: $*"; exit 1; }

# now_s: seconds since the epoch (bash builtin, no date fork).
now_s() { printf '%(%s)T' -1; }

# port_open PORT: something accepts TCP connections on 127.0.0.1:PORT.
# Uses bash's /dev/tcp so that neither nc nor curl is needed.
port_open() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# port_listening PORT: a socket is in LISTEN state on PORT (any address).
port_listening() {
  [[ -n "$(ss -Hltn "sport = :$1" 2>/dev/null)" ]]
}

# alive PID: PID runs. A zombie counts as gone: a detached server's parent is init, which on
# some machines reaps exited processes a second or two late, and `kill -0` still succeeds then.
alive() {
  local stat
  read -r stat 2>/dev/null <"/proc/$1/stat" || return 1
  stat=${stat##*) }
  [[ "${stat%% *}" != Z ]]
}

# pid_matches PIDFILE PATTERN: prints the pid if the pid file names a live
# process whose command line contains PATTERN (guards against pid reuse).
pid_matches() {
  local pidfile=$1 pattern=$2 pid
  [[ -r "$pidfile" ]] || return 1
  pid=$(<"$pidfile")
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  alive "$pid" || return 1
  # No `tr | grep -q` pipe: under pipefail, grep -q exiting early can SIGPIPE tr and turn a
  # match into a failure (seen: a healthy broker reported as "exited during startup").
  local cmdline
  cmdline=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null) || return 1
  [[ "$cmdline" == *"$pattern"* ]] || return 1
  printf '%s\n' "$pid"
}

# stop_pid NAME PIDFILE PATTERN TIMEOUT PORT...: SIGTERM, wait until the
# process is gone and the ports are free, SIGKILL after TIMEOUT seconds.
stop_pid() {
  local name=$1 pidfile=$2 pattern=$3 timeout=$4 pid deadline p busy
  shift 4
  if ! pid=$(pid_matches "$pidfile" "$pattern"); then
    rm -f "$pidfile"
    log "$name is not running"
    return 0
  fi
  log "stopping $name (pid $pid)"
  kill -TERM "$pid" 2>/dev/null || true
  deadline=$(( $(now_s) + timeout ))
  while :; do
    busy=
    if alive "$pid"; then busy=process; fi
    for p in "$@"; do port_listening "$p" && busy="${busy:+$busy, }port $p"; done
    [[ -z "$busy" ]] && break
    if (( $(now_s) >= deadline )); then
      if alive "$pid"; then
        log "$name still running after ${timeout}s, sending SIGKILL"
        kill -KILL "$pid" 2>/dev/null || true
        deadline=$(( $(now_s) + 5 ))
        timeout=5
        continue
      fi
      die "$name is gone but still busy: $busy (another process owns the port?)"
    fi
    sleep 0.2
  done
  rm -f "$pidfile"
  log "$name stopped"
}

# spawn LOGFILE PIDFILE CMD...: start CMD detached (own session, stdin from
# /dev/null, output appended to LOGFILE) and record its pid. setsid without -f
# execs in place here (a non-interactive shell's background job is never a
# process-group leader), so $! is the server's own pid.
spawn() {
  local logfile=$1 pidfile=$2
  shift 2
  setsid "$@" </dev/null >>"$logfile" 2>&1 &
  printf '%s\n' "$!" >"$pidfile"
}

# make_tmpdir PREFIX: print a new temp dir in $STINT_CACHE (same filesystem as
# the final location, so the last step can be an atomic rename) and remove
# such dirs left behind by installs that died more than an hour ago.
make_tmpdir() {
  mkdir -p "$STINT_CACHE"
  find "$STINT_CACHE" -maxdepth 1 -name ".$1.*" -type d -mmin +60 -exec rm -rf {} + 2>/dev/null || true
  mktemp -d "$STINT_CACHE/.$1.XXXXXX"
}

# rm_on_exit DIR: delete DIR when the script ends, also on Ctrl-C / SIGTERM
# (bash skips EXIT traps on signals it does not handle).
rm_on_exit() {
  # shellcheck disable=SC2064 # expand $1 now
  trap "rm -rf '$1'" EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
}
