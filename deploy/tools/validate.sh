#!/usr/bin/env bash
# `make validate-deploy`: every offline check of the deployment files. Tools come from
# deploy/tools/install.sh (pinned, cached in ${STINT_CACHE:-~/.cache/stint}); nothing here
# needs a Docker engine, a cluster or the network once they are cached.
# Usage: validate.sh [UV]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
TOOLS="$ROOT/deploy/tools"
UV="${1:-uv}"
# Kubernetes versions the manifests must be valid for: the oldest we support and the newest
# kubernetes-validate knows.
K8S_VERSIONS="${STINT_K8S_VERSIONS:-1.33 1.37}"
# API groups whose custom resources may pass without a CRD schema (listed as NOT validated on
# every run). Empty: every CRD we use is available offline (docs/deploy.md#validation).
UNVALIDATED_GROUPS="${STINT_UNVALIDATED_GROUPS:-}"

step() { printf '\n== %s\n' "$*" >&2; }
cd "$ROOT"

KUSTOMIZE=$("$TOOLS/install.sh" kustomize)
VBIN=$("$TOOLS/install.sh" validators)
PROMTOOL=$("$TOOLS/install.sh" promtool)
CRDS=$("$TOOLS/install.sh" crds)
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT

step "rendered files are current (topic spec -> topics.txt, KafkaTopics; rules -> PrometheusRule)"
"$UV" run --frozen --no-sync python deploy/render.py --check

step "docker-compose.yml against the Compose specification"
"$VBIN/check-jsonschema" --builtin-schema vendor.compose-spec docker-compose.yml

step "Prometheus: config, rules, rule unit tests"
"$PROMTOOL" check config --syntax-only deploy/prometheus/prometheus.yml
# (The PrometheusRule is these rules verbatim — render.py --check — and is checked against its CRD below.)
"$PROMTOOL" check rules deploy/prometheus/rules/*.yml
"$PROMTOOL" test rules deploy/prometheus/tests/*.yml

for overlay in k8s/overlays/*/; do
  env=$(basename "$overlay")
  step "kustomize build $overlay, then schema validation"
  "$KUSTOMIZE" build "$overlay" >"$OUT/$env.yaml"
  for version in $K8S_VERSIONS; do
    args=(--crds "$CRDS" --kubernetes-version "$version")
    for g in $UNVALIDATED_GROUPS; do args+=(--unvalidated "$g"); done
    "$VBIN/python" "$TOOLS/validate_k8s.py" "${args[@]}" "$OUT/$env.yaml"
  done
done
step "k8s/ops: one-off Jobs (templates applied by hand), schema validation"
for version in $K8S_VERSIONS; do
  "$VBIN/python" "$TOOLS/validate_k8s.py" --crds "$CRDS" --kubernetes-version "$version" k8s/ops/*.yaml
done
printf '\nvalidate-deploy: all checks passed\n' >&2
