"""`tools/bench` is a folder of scripts, not an installed package: put the repository root on
the import path so its pure pieces can be tested as `tools.bench.*`."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = str(Path(__file__).resolve().parents[2])
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)
