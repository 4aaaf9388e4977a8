#!/usr/bin/env bash
# The git ref `buf breaking` compares protos/ against (make lint): the merge base with the main
# branch when on another branch; on main itself, the previous commit (so every commit that lands
# is checked against the one before it). Prints nothing when there is no history to compare.
set -euo pipefail
cd "$(dirname "$0")/../.."
git rev-parse --git-dir >/dev/null 2>&1 || exit 0
head=$(git rev-parse HEAD 2>/dev/null) || exit 0
for main in origin/main main; do
  if base=$(git merge-base HEAD "$main" 2>/dev/null) && [ "$base" != "$head" ]; then
    echo ".git#ref=$base"; exit 0
  fi
done
if git rev-parse -q --verify HEAD~1 >/dev/null; then echo ".git#ref=HEAD~1"; fi
