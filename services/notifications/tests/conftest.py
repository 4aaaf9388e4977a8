"""Make the service importable when the workspace was synced without it (`uv sync` at the
root only installs the root's own dependencies)."""

from __future__ import annotations

import sys
from pathlib import Path

SRC = str(Path(__file__).resolve().parents[1] / "src")
if SRC not in sys.path:
    sys.path.insert(0, SRC)
