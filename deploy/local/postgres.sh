#!/usr/bin/env bash
# A private PostgreSQL cluster for FerretDB (its storage), loopback only, no Docker.
# ferretdb.sh drives it; it also works alone.
# Usage: postgres.sh install|start|stop|status|url
#   url   print the --postgresql-url FerretDB uses (the cluster's unix socket)
set -euo pipefail
# shellcheck source=deploy/local/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# Absolute and symlink-free: it is compared with /proc/PID/cwd, and commands run from /.
DIR="$(realpath -m "$STINT_STATE/ferretdb/pg")" # also the unix socket directory
DATA="$DIR/data"
LOGFILE="$DIR/postgres.log"
PORT="${STINT_PG_PORT:-55432}"
DATABASE=ferretdb
START_TIMEOUT="${STINT_PG_START_TIMEOUT:-30}"
STOP_TIMEOUT=30
# PostgreSQL refuses to run as root: as root, the cluster belongs to this unprivileged user.
PG_USER=postgres
# Only our own flags decide where the client tools connect.
unset PGHOST PGHOSTADDR PGPORT PGUSER PGDATABASE PGSERVICE PGOPTIONS PGSSLMODE PGDATA
PGBIN= # set by bin()

# pg_bin: the bin directory to use: $STINT_PG_BIN, else the Debian one of the data
# directory's major version, else the newest /usr/lib/postgresql/*/bin.
pg_bin() {
  local v newest
  if [[ -n "${STINT_PG_BIN:-}" ]]; then
    [[ -x "$STINT_PG_BIN/initdb" ]] || die "STINT_PG_BIN=$STINT_PG_BIN has no initdb"
    printf '%s\n' "$STINT_PG_BIN"
  elif [[ -r "$DATA/PG_VERSION" ]]; then
    v=$(<"$DATA/PG_VERSION")
    [[ -x "/usr/lib/postgresql/$v/bin/initdb" ]] ||
      die "$DATA is a PostgreSQL $v cluster but PostgreSQL $v is not installed (install postgresql-$v, or rm -rf $DIR for a new, empty cluster)"
    printf '%s\n' "/usr/lib/postgresql/$v/bin"
  else
    newest=$(printf '%s\n' /usr/lib/postgresql/*/bin/initdb | sort -V | tail -n1)
    [[ -x "$newest" ]] || return 1
    printf '%s\n' "${newest%/initdb}"
  fi
}

# bin: set PGBIN once, or fail.
bin() {
  [[ -n "$PGBIN" ]] && return 0
  PGBIN=$(pg_bin) || die "PostgreSQL not installed; run '$0 install'"
}

# as_pg CMD...: run CMD as the cluster's owner (from /, which that user can always enter).
as_pg() {
  if (( EUID == 0 )); then
    (cd / && exec runuser -u "$PG_USER" -- "$@")
  else
    "$@"
  fi
}

cmd_install() {
  local b ver name _ status
  if b=$(pg_bin 2>/dev/null); then
    log "postgresql already installed: $b"
  else
    if (( EUID != 0 )) || ! command -v apt-get >/dev/null; then
      die "PostgreSQL not found: install it (Debian/Ubuntu: apt-get install postgresql) or set STINT_PG_BIN to its bin directory"
    fi
    log "installing PostgreSQL (apt-get install postgresql)"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >&2
    b=$(pg_bin) || die "apt-get installed postgresql but no /usr/lib/postgresql/*/bin/initdb"
    # The package may create and start its own cluster (port 5432). It is never used here:
    # stop it and keep it from starting at boot.
    if command -v pg_lsclusters >/dev/null; then
      while read -r ver name _ status _; do
        if [[ "$status" == online* ]]; then
          log "stopping Debian's cluster $ver/$name (not used by Stint)"
          pg_ctlcluster "$ver" "$name" stop || true
        fi
        [[ -f "/etc/postgresql/$ver/$name/start.conf" ]] && echo manual >"/etc/postgresql/$ver/$name/start.conf"
      done < <(pg_lsclusters -h 2>/dev/null)
    fi
    log "installed $b"
  fi
  if (( EUID == 0 )) && ! id -u "$PG_USER" >/dev/null 2>&1; then
    log "creating the unprivileged system user $PG_USER"
    useradd --system --user-group --no-create-home --home-dir /nonexistent \
      --shell /usr/sbin/nologin "$PG_USER"
  fi
}

# postmaster_pid: prints the pid in postmaster.pid if it is this cluster's live postmaster
# (its command line names our data directory: guards against pid reuse).
postmaster_pid() {
  local pid cmdline
  [[ -r "$DATA/postmaster.pid" ]] || return 1
  read -r pid <"$DATA/postmaster.pid" || return 1
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  cmdline=$(tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline") || return 1
  [[ "$cmdline" == *"/postgres -D $DATA "* ]] || return 1
  printf '%s\n' "$pid"
}

# cluster_procs: pids of every process working in our data directory (the postmaster and
# its children, also children orphaned by a postmaster killed with SIGKILL).
cluster_procs() {
  local pattern
  # shellcheck disable=SC2001 # ${DATA//…/\\&} needs bash >= 5.2
  pattern=$(sed 's/[][*?\\]/\\&/g' <<<"$DATA") # -lname takes a glob: escape it
  # find fails on processes that vanish or that it may not inspect: not an error here.
  { find /proc -mindepth 2 -maxdepth 2 -name cwd -lname "$pattern" 2>/dev/null || true; } |
    sed 's|^/proc/\([0-9]*\)/cwd$|\1|'
}

ready() { bin && "$PGBIN/pg_isready" -q -h "$DIR" -p "$PORT" -U postgres -d postgres -t 2; }

psql_() { "$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$DIR" -p "$PORT" -U postgres "$@"; }

# grant_traversal: the cluster's owner must reach $DIR through every parent directory
# (e.g. pytest's tmp dirs and mkdtemp dirs are 0700 root). Grant only search (o+x, no
# listing) on the parents that lack it, and say so.
grant_traversal() {
  local p='' part
  (( EUID == 0 )) || return 0
  as_pg test -x "$DIR" && return 0
  while IFS= read -r part; do
    [[ -n "$part" ]] || continue
    p="$p/$part"
    if ! as_pg test -x "$p"; then
      log "granting search permission (chmod o+x) on $p so that user $PG_USER can reach $DIR"
      chmod o+x "$p"
    fi
  done < <(tr '/' '\n' <<<"$DIR")
  as_pg test -x "$DIR" || die "user $PG_USER cannot reach $DIR"
}

prepare_dir() {
  local sock="$DIR/.s.PGSQL.$PORT"
  # The kernel's limit for a unix socket path is 107 bytes.
  (( ${#sock} <= 107 )) || die "socket path too long (${#sock} > 107 bytes): $sock; use a shorter STINT_STATE"
  [[ "$DIR" != *"'"* ]] || die "STINT_STATE must not contain a single quote: $DIR"
  mkdir -p "$DIR"
  touch "$LOGFILE"
  chmod 700 "$DIR"
  if (( EUID == 0 )); then
    id -u "$PG_USER" >/dev/null 2>&1 || die "no user $PG_USER; run '$0 install'"
    chown "$PG_USER:" "$DIR" "$LOGFILE" # pg_ctl opens the log as $PG_USER
    grant_traversal
  fi
}

# init_cluster: initdb into a temp dir, renamed into place once complete (an interrupted
# initdb is never mistaken for a cluster), then createdb on first start.
init_cluster() {
  local tmp="$DIR/data.initdb"
  [[ -f "$DATA/PG_VERSION" ]] && return 0
  [[ -e "$DATA" ]] && die "$DATA exists but is not a PostgreSQL data directory; remove it"
  log "initialising a new cluster in $DATA"
  rm -rf "$tmp"
  # trust on the unix socket only (its directory is 0700, so only $PG_USER and root can
  # connect); TCP needs a password, and none is set.
  as_pg "$PGBIN/initdb" -D "$tmp" -U postgres -E UTF8 --locale=C \
    --auth-local=trust --auth-host=scram-sha-256 >>"$LOGFILE" 2>&1 ||
    { tail -n 20 "$LOGFILE" >&2; die "initdb failed"; }
  printf "\ninclude_if_exists = 'stint.conf'\n" >>"$tmp/postgresql.conf"
  mv "$tmp" "$DATA"
}

# write_conf: our settings, rewritten at every start (port and paths may change).
write_conf() {
  cat >"$DATA/stint.conf" <<EOF
# Written by deploy/local/postgres.sh at every start: change the script, not this file.
listen_addresses = '127.0.0.1'
port = $PORT
unix_socket_directories = '$DIR'
unix_socket_permissions = 0700
# FerretDB opens at most 50 connections (pool_max_conns in its URL), however many
# MongoDB clients it has; the rest is for psql/createdb.
max_connections = 100
shared_buffers = 128MB
# Durable, like production: fsync, synchronous_commit and full_page_writes keep their
# defaults (on).
timezone = 'UTC'
log_timezone = 'UTC'
EOF
  (( EUID == 0 )) && chown "$PG_USER:" "$DATA/stint.conf"
  return 0
}

# clear_stale: no postmaster of ours runs but its lock files remain (SIGKILL, power loss).
# Wait for orphaned children to exit (they notice the postmaster's death at once), kill
# those that do not, then remove the lock files, so that neither a live orphan nor a
# reused pid blocks the start.
clear_stale() {
  local i procs
  [[ -e "$DATA/postmaster.pid" ]] || return 0
  for (( i = 0; i < 25; i++ )); do
    procs=$(cluster_procs)
    [[ -z "$procs" ]] && break
    sleep 0.2
  done
  if [[ -n "$procs" ]]; then
    log "killing orphaned postgres processes: $(tr '\n' ' ' <<<"$procs")"
    xargs kill -KILL <<<"$procs" 2>/dev/null || true
    sleep 0.2
  fi
  log "removing the stale postmaster.pid of a postgres that is gone"
  rm -f "$DATA/postmaster.pid" "$DIR"/.s.PGSQL.*
}

cmd_start() {
  local pid t0 deadline
  bin
  if pid=$(postmaster_pid); then
    # Running, or still starting up / recovering: wait for it.
    deadline=$(( $(now_s) + START_TIMEOUT ))
    until ready; do
      (( $(now_s) < deadline )) || die "postgres pid $pid does not answer on $DIR; run '$0 stop' first"
      postmaster_pid >/dev/null || die "postgres pid $pid exited; see $LOGFILE"
      sleep 0.1
    done
    log "postgres already running (pid $pid) on 127.0.0.1:$PORT"
    return 0
  fi
  port_listening "$PORT" && die "port $PORT is already in use by another process"
  t0=$(date +%s.%N)
  prepare_dir
  init_cluster
  clear_stale
  write_conf
  log "starting postgres on 127.0.0.1:$PORT (log: $LOGFILE)"
  # pg_ctl detaches the postmaster (own session, stdin /dev/null, output to the log).
  if ! as_pg "$PGBIN/pg_ctl" start -D "$DATA" -l "$LOGFILE" -w -t "$START_TIMEOUT" -s </dev/null >&2; then
    tail -n 30 "$LOGFILE" >&2 || true
    (cmd_stop) || true # leave nothing half-started behind
    die "postgres did not start within ${START_TIMEOUT}s (STINT_PG_START_TIMEOUT)"
  fi
  if [[ "$(psql_ -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$DATABASE'")" != 1 ]]; then
    log "creating database $DATABASE"
    "$PGBIN/createdb" -h "$DIR" -p "$PORT" -U postgres "$DATABASE"
  fi
  log "postgres ready in $(awk -v t0="$t0" -v t1="$(date +%s.%N)" 'BEGIN{printf "%.1f", t1-t0}')s (pid $(postmaster_pid))"
}

# cmd_stop: fast shutdown (SIGINT: clients are disconnected, a checkpoint is written), then
# immediate (SIGQUIT), then SIGKILL to every process of the cluster. Signals rather than
# `pg_ctl stop`, which as $PG_USER may no longer reach $DIR (pytest resets its dirs to 0700).
cmd_stop() {
  local pid deadline sig=INT procs
  if ! pid=$(postmaster_pid); then
    procs=$(cluster_procs)
    if [[ -n "$procs" ]]; then
      log "killing leftover postgres processes: $(tr '\n' ' ' <<<"$procs")"
      xargs kill -KILL <<<"$procs" 2>/dev/null || true
    fi
    log "postgres is not running"
    return 0
  fi
  log "stopping postgres (pid $pid)"
  kill -INT "$pid" 2>/dev/null || true
  deadline=$(( $(now_s) + STOP_TIMEOUT ))
  while alive "$pid" || port_listening "$PORT"; do
    if (( $(now_s) >= deadline )); then
      alive "$pid" || die "postgres is gone but port $PORT is still busy (another process owns it?)"
      case $sig in
        INT) sig=QUIT; log "postgres still running after ${STOP_TIMEOUT}s, immediate shutdown" ;;
        QUIT) sig=KILL; log "postgres still running, sending SIGKILL" ;;
        KILL) die "postgres pid $pid survives SIGKILL" ;;
      esac
      kill -"$sig" "$pid" 2>/dev/null || true
      deadline=$(( $(now_s) + 5 ))
    fi
    sleep 0.1
  done
  if [[ "$sig" != INT ]]; then
    procs=$(cluster_procs)
    [[ -z "$procs" ]] || xargs kill -KILL <<<"$procs" 2>/dev/null || true
  fi
  log "postgres stopped"
}

cmd_status() {
  local pid
  if pid=$(postmaster_pid) && ready; then
    echo "postgres: running (pid $pid, 127.0.0.1:$PORT, socket $DIR, database $DATABASE)"
  elif [[ -n "${pid:-}" ]]; then
    echo "postgres: starting or hung (pid $pid, not answering)"
    return 1
  else
    echo "postgres: stopped"
    return 1
  fi
}

# cmd_url: FerretDB's --postgresql-url: the unix socket (the only way in without a
# password), path percent-encoded.
cmd_url() {
  local i c enc=
  for (( i = 0; i < ${#DIR}; i++ )); do
    c=${DIR:i:1}
    case $c in
      [A-Za-z0-9/._~-]) enc+=$c ;;
      *) printf -v c '%%%02X' "'$c"; enc+=$c ;;
    esac
  done
  echo "postgres://postgres@/$DATABASE?host=$enc&port=$PORT&pool_max_conns=50"
}

case "${1:-}" in
  install | start | stop | status | url) "cmd_$1" ;;
  *) echo "usage: $0 install|start|stop|status|url" >&2; exit 2 ;;
esac
