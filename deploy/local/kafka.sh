#!/usr/bin/env bash
# Single-node Apache Kafka (KRaft combined mode) for local dev/CI, no Docker.
# Usage: kafka.sh install|start|stop|status
#        kafka.sh topics-create NAME PARTITIONS
#        kafka.sh run-class MAIN_CLASS [ARGS...]   (any Kafka CLI class)
set -euo pipefail
# shellcheck source=deploy/local/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

KAFKA_VERSION=3.9.1
TEMPLATES="$STINT_ROOT/deploy/local/kafka"
KAFKA_HOME="$STINT_CACHE/kafka-$KAFKA_VERSION"
LIBS="$KAFKA_HOME/libs"
DIR="$STINT_STATE/kafka"
CONFIG="$DIR/server.properties"
PIDFILE="$DIR/kafka.pid"
LOG_DIR="$DIR/logs"
PORT="${STINT_KAFKA_PORT:-9092}"
CONTROLLER_PORT="${STINT_KAFKA_CONTROLLER_PORT:-9093}"
START_TIMEOUT="${STINT_KAFKA_START_TIMEOUT:-60}"
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"

# The .complete marker holds the pom's checksum, so editing the pom makes the
# next install fetch again.
pom_sum() { sha256sum "$TEMPLATES/pom.xml" | cut -d' ' -f1; }
installed() { [[ -f "$KAFKA_HOME/.complete" && "$(<"$KAFKA_HOME/.complete")" == "$(pom_sum)" ]]; }
# complete: a full download exists, possibly from an older pom (still usable).
complete() { [[ -f "$KAFKA_HOME/.complete" ]]; }

# Prefix for running a Kafka CLI class: small heap, fast JIT, warnings to stderr.
TOOL=("$JAVA" -Xmx256m -XX:TieredStopAtLevel=1
  -Dlog4j.configuration="file:$TEMPLATES/tools-log4j.properties" -cp "$LIBS/*")
tool() { "${TOOL[@]}" "$@"; }

# check_logging LIBSDIR: exactly one slf4j binding (reload4j), and a log line
# from a Kafka class really reaches a file through the broker's log4j config.
check_logging() {
  local libs=$1 tmp f bindings=()
  for f in "$libs"/{slf4j-reload4j,slf4j-log4j12,slf4j-simple,slf4j-jdk14,slf4j-nop,logback-classic,log4j-slf4j-impl,log4j-slf4j2-impl}-*.jar; do
    [[ -e "$f" ]] && bindings+=("${f##*/}")
  done
  [[ ${#bindings[@]} -eq 1 && "${bindings[0]}" == slf4j-reload4j-*.jar ]] ||
    die "expected slf4j-reload4j as the only slf4j binding, found: ${bindings[*]:-none}"
  compgen -G "$libs/reload4j-*.jar" >/dev/null || die "reload4j jar missing"
  tmp=$(mktemp -d)
  # StorageTool registers the Log4jController MBean and logs that at INFO.
  if ! "$JAVA" -Xmx256m -Dlog4j.configuration="file:$TEMPLATES/log4j.properties" \
      -Dkafka.logs.dir="$tmp" -cp "$libs/*" kafka.tools.StorageTool random-uuid >"$tmp/out" 2>"$tmp/err" ||
    [[ -s "$tmp/err" ]] || ! grep -q 'Registered kafka:type=kafka.Log4jController' "$tmp/server.log"; then
    cat "$tmp/err" >&2
    rm -rf "$tmp"
    die "logging backend check failed"
  fi
  rm -rf "$tmp"
}

# home_in_use: some broker, whatever its STINT_STATE, runs from $KAFKA_HOME.
home_in_use() {
  local f cmdline
  for f in /proc/[0-9]*/cmdline; do
    cmdline=$(tr '\0' ' ' <"$f" 2>/dev/null) || continue  # no pipe into grep -q (pipefail)
    [[ "$cmdline" == *"-cp $LIBS/* kafka.Kafka "* ]] && return 0
  done
  return 1
}

cmd_install() {
  local tmp
  if installed; then
    log "kafka $KAFKA_VERSION already installed: $KAFKA_HOME"
    return 0
  fi
  if complete && home_in_use; then
    # Replacing jars under a running JVM breaks its lazy class loading.
    log "warning: kafka/pom.xml changed, but a broker (this or another STINT_STATE) runs from $KAFKA_HOME; stop it, then '$0 install'"
    return 0
  fi
  command -v mvn >/dev/null || die "mvn not found (apt-get install maven)"
  command -v "$JAVA" >/dev/null || die "java not found (need Java 11+)"
  # Download into a temp dir next to the target and rename it into place only
  # when complete, so an interrupted install is never taken for a good one.
  tmp=$(make_tmpdir "kafka-$KAFKA_VERSION")
  rm_on_exit "$tmp"
  chmod 0755 "$tmp" # mktemp -d makes it 0700
  cp "$TEMPLATES/pom.xml" "$tmp/pom.xml"
  log "fetching kafka $KAFKA_VERSION runtime from Maven Central into $KAFKA_HOME"
  # mvn -q still prints ANSI resets on stdout; keep its output for failures only.
  if ! (cd "$tmp" && mvn -B -q org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy-dependencies \
    -Dkafka.version="$KAFKA_VERSION" -DincludeScope=runtime -DoutputDirectory="$tmp/libs") >"$tmp/mvn.log" 2>&1; then
    cat "$tmp/mvn.log" >&2
    die "maven download failed"
  fi
  rm -f "$tmp/mvn.log"
  [[ -f "$tmp/libs/kafka_2.13-$KAFKA_VERSION.jar" && -f "$tmp/libs/kafka-tools-$KAFKA_VERSION.jar" ]] ||
    die "kafka jars missing after download"
  check_logging "$tmp/libs"
  pom_sum >"$tmp/.complete"
  # An outdated or incomplete dir is replaced.
  [[ -d "$KAFKA_HOME" ]] && ! installed && rm -rf "$KAFKA_HOME"
  if ! mv -T "$tmp" "$KAFKA_HOME" 2>/dev/null; then
    installed || die "could not move $tmp to $KAFKA_HOME"
    log "another install finished first; keeping it"
    return 0
  fi
  log "installed kafka $KAFKA_VERSION ($(find "$LIBS" -name '*.jar' | wc -l) jars)"
}

running_pid() { pid_matches "$PIDFILE" "$CONFIG"; }

# ready: the broker answers a metadata request, not just a TCP accept. The
# admin client retries internally until the broker serves requests, so bound it.
ready() {
  port_open "$PORT" &&
    timeout 20 "${TOOL[@]}" org.apache.kafka.tools.TopicCommand \
      --bootstrap-server "127.0.0.1:$PORT" --list >/dev/null 2>&1
}

render_config() {
  mkdir -p "$DIR/data" "$LOG_DIR"
  local auto="${STINT_KAFKA_AUTO_CREATE_TOPICS:-true}"
  [[ "$auto" == true || "$auto" == false ]] || die "STINT_KAFKA_AUTO_CREATE_TOPICS must be true or false"
  sed -e "s|@AUTO_CREATE@|$auto|g" -e "s|@PORT@|$PORT|g" -e "s|@CONTROLLER_PORT@|$CONTROLLER_PORT|g" -e "s|@DATA_DIR@|$DIR/data|g" \
    "$TEMPLATES/server.properties" >"$CONFIG.tmp"
  mv -f "$CONFIG.tmp" "$CONFIG"
}

cmd_start() {
  local pid deadline t0 p cluster_id
  if pid=$(running_pid) && port_open "$PORT"; then
    log "kafka already running (pid $pid) on 127.0.0.1:$PORT"
    return 0
  fi
  [[ -n "${pid:-}" ]] && die "kafka pid $pid is alive but port $PORT does not answer; run '$0 stop' first"
  complete || die "kafka $KAFKA_VERSION not installed; run '$0 install'"
  installed || log "warning: $KAFKA_HOME is from an older kafka/pom.xml; stop all brokers and run '$0 install'"
  for p in "$PORT" "$CONTROLLER_PORT"; do
    port_listening "$p" && die "port $p is already in use by another process"
  done
  render_config
  if [[ ! -f "$DIR/data/meta.properties" ]]; then
    cluster_id=$(tool kafka.tools.StorageTool random-uuid)
    log "formatting storage in $DIR/data (cluster id $cluster_id)"
    tool kafka.tools.StorageTool format -t "$cluster_id" -c "$CONFIG" --ignore-formatted >/dev/null
  fi
  log "starting kafka on 127.0.0.1:$PORT (logs: $LOG_DIR)"
  t0=$(date +%s.%N)
  spawn "$LOG_DIR/kafka.out" "$PIDFILE" "$JAVA" -Xms512m -Xmx1g \
    -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35 \
    -XX:+ExplicitGCInvokesConcurrent -Djava.awt.headless=true \
    -Dlog4j.configuration="file:$TEMPLATES/log4j.properties" -Dkafka.logs.dir="$LOG_DIR" \
    -cp "$LIBS/*" kafka.Kafka "$CONFIG"
  deadline=$(( $(now_s) + START_TIMEOUT ))
  until ready; do
    if ! running_pid >/dev/null; then
      tail -n 40 "$LOG_DIR/server.log" "$LOG_DIR/kafka.out" >&2 || true
      die "kafka exited during startup"
    fi
    if (( $(now_s) >= deadline )); then
      tail -n 40 "$LOG_DIR/server.log" "$LOG_DIR/kafka.out" >&2 || true
      cmd_stop # leave nothing half-started behind
      die "kafka not ready after ${START_TIMEOUT}s (STINT_KAFKA_START_TIMEOUT)"
    fi
    sleep 0.2
  done
  log "kafka ready in $(awk -v t0="$t0" -v t1="$(date +%s.%N)" 'BEGIN{printf "%.1f", t1-t0}')s (pid $(<"$PIDFILE"))"
}

cmd_stop() { stop_pid kafka "$PIDFILE" "$CONFIG" 30 "$PORT" "$CONTROLLER_PORT"; }

cmd_status() {
  local pid
  if pid=$(running_pid) && port_open "$PORT"; then
    echo "kafka: running (pid $pid, 127.0.0.1:$PORT)"
  elif [[ -n "${pid:-}" ]]; then
    echo "kafka: starting or hung (pid $pid, not answering)"
    return 1
  else
    echo "kafka: stopped"
    return 1
  fi
}

cmd_topics-create() {
  (( $# == 2 )) || die "usage: $0 topics-create NAME PARTITIONS"
  complete || die "kafka not installed; run '$0 install'"
  tool org.apache.kafka.tools.TopicCommand --bootstrap-server "127.0.0.1:$PORT" \
    --create --if-not-exists --topic "$1" --partitions "$2" --replication-factor 1
}

cmd_run-class() {
  (( $# >= 1 )) || die "usage: $0 run-class MAIN_CLASS [ARGS...]"
  complete || die "kafka not installed; run '$0 install'"
  tool "$@"
}

case "${1:-}" in
  install | start | stop | status | topics-create | run-class)
    cmd="$1"
    shift
    "cmd_$cmd" "$@"
    ;;
  *)
    echo "usage: $0 install|start|stop|status|topics-create NAME PARTITIONS|run-class MAIN [ARGS...]" >&2
    exit 2
    ;;
esac
