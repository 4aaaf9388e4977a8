#!/usr/bin/env bash
# Developer tools the checks need, installed once into the shared cache (outside the repo).
# Usage: tools.sh uv|buf   — prints the path of the installed binary on stdout.
#        tools.sh node     — prints the bin folder of tools/node's pinned npm tools (npm ci).
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
  node)
    # One install per lock file: a changed pin gets a fresh folder, an unchanged one is reused.
    command -v npm >/dev/null || { echo "the contract tests need Node.js 20+ with npm" >&2; exit 1; }
    here="$(cd "$(dirname "$0")/../../tools/node" && pwd)"
    lock_hash=$(sha256sum "$here/package-lock.json" | cut -c1-16)
    prefix="$CACHE/node-tools/$lock_hash"
    if [ ! -x "$prefix/node_modules/.bin/tsc" ]; then
      echo "installing tools/node's npm packages into $prefix (first time only)" >&2
      mkdir -p "$prefix"
      cp "$here/package.json" "$here/package-lock.json" "$prefix/"
      (cd "$prefix" && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error) >&2
    fi
    echo "$prefix/node_modules/.bin"
    ;;
  *)
    echo "usage: $0 uv|buf|node" >&2
    exit 2
    ;;
esac
