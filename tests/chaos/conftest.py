"""The chaos suite (issue 15): a private platform under load while a seeded schedule kills,
restarts and stalls its processes; then the invariants. `make test` runs the CI size (services
only); `make chaos` runs every fault class, the broker and the database included."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = str(Path(__file__).resolve().parents[2])
if ROOT not in sys.path:  # tools/bench is scripts, not a package (as in tests/bench)
    sys.path.insert(0, ROOT)
