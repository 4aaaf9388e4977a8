"""The one Dockerfile pattern: non-root, no build tools at run time, and — per deployable that
exists — the build stage's exact `uv sync` really installs that service's package (run here
against the workspace into a throw-away venv, since there is no Docker engine)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from stint.contracts import topics

ROOT = Path(__file__).resolve().parents[2]
DOCKERFILE = ROOT / "deploy/docker/Dockerfile"
DEPLOYABLES = (*topics.SERVICES, "gateway")


def _stages() -> list[str]:
    return re.split(r"(?m)^FROM ", DOCKERFILE.read_text())[1:]


def test_build_is_multi_stage_with_frozen_uv_sync_of_one_package() -> None:
    build, runtime = _stages()
    assert build.startswith("${PYTHON_IMAGE} AS build")
    assert runtime.startswith("${PYTHON_IMAGE} AS runtime")
    assert 'uv sync --frozen --no-dev --no-editable --package "stint-${SERVICE}"' in build
    assert re.search(
        r"(?m)^ARG PYTHON_IMAGE=python:3\.11\.\d+-slim-bookworm$", DOCKERFILE.read_text()
    )


def test_runtime_stage_runs_as_numeric_non_root_and_has_no_build_tools() -> None:
    _, runtime = _stages()
    uid = re.search(r"(?m)^ARG UID=(\d+)$", runtime)
    assert uid
    assert int(uid.group(1)) >= 1000
    user_lines = re.findall(r"(?m)^USER (.+)$", runtime)
    assert user_lines == ["${UID}:${UID}"], "exactly one USER, numeric (Kubernetes runAsNonRoot)"
    assert "pip uninstall --yes --quiet pip setuptools wheel" in runtime
    # Nothing is installed at run time: only the venv is copied from the build stage.
    assert not re.search(r"(?m)^RUN .*(uv |pip install|apt-get)", runtime)
    assert "COPY --from=build --chown=0:0 /app/venv /app/venv" in runtime


def test_runtime_stage_is_read_only_root_friendly_and_stops_cleanly() -> None:
    _, runtime = _stages()
    assert "PYTHONDONTWRITEBYTECODE=1" in runtime  # no .pyc writes next to the code
    assert "WORKDIR /tmp" in runtime
    assert "STOPSIGNAL SIGTERM" in runtime
    assert re.search(r"(?m)^EXPOSE \$\{GRPC_PORT\} \$\{HTTP_PORT\}$", runtime)
    health = re.search(r"(?ms)^HEALTHCHECK .*?CMD (\[.*?\])$", runtime)
    assert health
    assert "/healthz" in health.group(1)
    assert "urllib.request" in health.group(1)
    assert 'ENTRYPOINT ["/app/venv/bin/stint-service"]' in runtime


def test_dockerignore_keeps_the_context_to_the_workspace() -> None:
    lines = (ROOT / ".dockerignore").read_text().splitlines()
    assert lines[lines.index("**") :][:5] == [
        "**",
        "!pyproject.toml",
        "!uv.lock",
        "!libs/**",
        "!services/**",
    ]
    assert "**/tests/**" in lines


@pytest.mark.parametrize("name", DEPLOYABLES)
def test_image_recipe_installs_the_service_package(
    name: str, compose: dict[str, Any], tmp_path: Path
) -> None:
    pyproject = ROOT / "services" / name / "pyproject.toml"
    if not pyproject.exists():
        pytest.skip(f"services/{name}/pyproject.toml does not exist yet on this branch")
    assert re.search(rf'(?m)^name = "stint-{name}"$', pyproject.read_text())
    assert (ROOT / "services" / name / "src" / name / "__main__.py").exists()
    assert compose["services"][name]["build"]["args"]["SERVICE"] == name

    uv = (
        shutil.which("uv")
        or subprocess.run(
            [str(ROOT / "deploy/local/tools.sh"), "uv"], check=True, capture_output=True, text=True
        ).stdout.strip()
    )
    venv = tmp_path / "venv"
    env = {
        **os.environ,
        "UV_PROJECT_ENVIRONMENT": str(venv),
        "UV_PYTHON_DOWNLOADS": "never",
        "UV_LINK_MODE": "copy",
    }
    env.pop("VIRTUAL_ENV", None)
    # The Dockerfile's command, verbatim.
    subprocess.run(
        [uv, "sync", "--frozen", "--no-dev", "--no-editable", "--package", f"stint-{name}", "-q"],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=300,
    )
    python = venv / "bin" / "python"
    probe = (
        "import importlib.util as u, sys; "
        f"sys.exit(0 if u.find_spec('{name}') and u.find_spec('{name}.__main__') else 1)"
    )
    subprocess.run([str(python), "-c", probe], check=True, cwd=tmp_path)
    installed = {p.name.lower() for p in (venv / "lib/python3.11/site-packages").iterdir()}
    for dev_tool in ("pytest", "ruff", "mypy", "hypothesis"):
        assert dev_tool not in installed, f"{dev_tool} would end up in the image"
