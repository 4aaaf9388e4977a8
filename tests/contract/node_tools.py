"""Helpers of the contract tests that run tools/node's pinned npm tools on the gateway's OpenAPI
document: the document (built in-process, no server) and the tools' bin folder."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from gateway.app import create_app
from gateway.config import GatewaySettings

ROOT = Path(__file__).resolve().parents[2]
# No telemetry, no update checks: the tools run offline and quietly.
QUIET = {"REDOCLY_TELEMETRY": "off", "REDOCLY_SUPPRESS_UPDATE_NOTICE": "true", "NO_COLOR": "1"}


def node_bin() -> Path:
    """The bin folder of tools/node's packages (installed on first use); skips the test, with
    the reason, when Node.js or npm is missing."""
    missing = [tool for tool in ("node", "npm") if shutil.which(tool) is None]
    if missing:
        pytest.skip(
            f"{' and '.join(missing)} not installed: the OpenAPI contract checks need Node.js 20+"
        )
    found = subprocess.run(
        [str(ROOT / "deploy/local/tools.sh"), "node"],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert found.returncode == 0, f"deploy/local/tools.sh node failed:\n{found.stderr}"
    return Path(found.stdout.strip())


def openapi_document() -> dict[str, Any]:
    document: dict[str, Any] = create_app(GatewaySettings(ops_port=0)).openapi()
    return document


def write_json(path: Path, document: dict[str, Any]) -> Path:
    path.write_text(json.dumps(document, indent=2))
    return path


def run(tool: Path, *args: str | Path, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    """One of the tools, with its output; the caller judges the exit code."""
    return subprocess.run(
        [str(tool), *map(str, args)],
        capture_output=True,
        text=True,
        check=False,
        cwd=cwd,
        env=os.environ | QUIET,
        timeout=120,
    )
