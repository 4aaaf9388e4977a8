"""Fixtures for the deployment checks: YAML parsing and kustomize rendering with the pinned
tools of deploy/tools/install.sh (the workspace itself has no YAML library)."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
INSTALL = ROOT / "deploy/tools/install.sh"
DEPLOYABLES = (
    "postings",
    "applications",
    "submissions",
    "payouts",
    "notifications",
    "outcomes",
    "gateway",
)
GRPC_SERVICES = DEPLOYABLES[:6]

_TO_JSON = "import json, sys, yaml; json.dump(list(yaml.safe_load_all(sys.stdin)), sys.stdout)"


def _tool(name: str) -> str:
    return subprocess.run(
        [str(INSTALL), name], check=True, capture_output=True, text=True
    ).stdout.strip()


@pytest.fixture(scope="session")
def load_yaml() -> Callable[[str], list[Any]]:
    """Parse YAML text (all documents) with the validators' PyYAML."""
    python = str(Path(_tool("validators")) / "python")

    def load(text: str) -> list[Any]:
        out = subprocess.run(
            [python, "-c", _TO_JSON], input=text, check=True, capture_output=True, text=True
        )
        return [d for d in json.loads(out.stdout) if d is not None]

    return load


@pytest.fixture(scope="session")
def validators_bin() -> Path:
    return Path(_tool("validators"))


@pytest.fixture(scope="session")
def compose(load_yaml: Callable[[str], list[Any]]) -> dict[str, Any]:
    (doc,) = load_yaml((ROOT / "docker-compose.yml").read_text())
    assert isinstance(doc, dict)
    return doc


@pytest.fixture(scope="session")
def rendered(load_yaml: Callable[[str], list[Any]]) -> dict[str, list[dict[str, Any]]]:
    """Every overlay, rendered by kustomize: overlay name -> resources."""
    kustomize = _tool("kustomize")
    out = {}
    for overlay in sorted((ROOT / "k8s/overlays").iterdir()):
        text = subprocess.run(
            [kustomize, "build", str(overlay)], check=True, capture_output=True, text=True
        ).stdout
        out[overlay.name] = load_yaml(text)
    return out
