#!/usr/bin/env bash
# Developer tools the checks need, installed once into the shared cache (outside the repo).
# Usage: tools.sh uv|buf   — prints the path of the installed binary on stdout.
set -euo pipefail
# Go from go.dev installs into /usr/local/go/bin, which a minimal PATH lacks.
command -v go >/dev/null 2>&1 || { [ -x /usr/local/go/bin/go ] && PATH="$PATH:/usr/local/go/bin"; }
CACHE="${STINT_CACHE:-$HOME/.cache/stint}"
BUF_VERSION="v1.75.0"
UV_VERSION="0.13.9"

case "${1:-}" in
  uv)
    if command -v uv >/dev/null 2>&1; then command -v uv; exit 0; fi
    if [ ! -x "$CACHE/uv/bin/uv" ]; then
      echo "installing uv $UV_VERSION from PyPI into $CACHE/uv" >&2
      python3 -m venv "$CACHE/uv" >&2
      "$CACHE/uv/bin/pip" install --quiet --disable-pip-version-check "uv==$UV_VERSION" >&2
    fi
    echo "$CACHE/uv/bin/uv"
    ;;
  buf)
    if [ ! -x "$CACHE/bin/buf" ] || ! "$CACHE/bin/buf" --version 2>/dev/null | grep -q "${BUF_VERSION#v}"; then
      command -v go >/dev/null || { echo "buf needs Go 1.24+ (https://go.dev/dl/ or apt golang)" >&2; exit 1; }
      echo "installing buf $BUF_VERSION with go install (first time only)" >&2
      GOTOOLCHAIN=auto GOBIN="$CACHE/bin" go install "github.com/bufbuild/buf/cmd/buf@$BUF_VERSION" >&2
    fi
    echo "$CACHE/bin/buf"
    ;;
  *)
    echo "usage: $0 uv|buf" >&2
    exit 2
    ;;
esac
