"""Every service follows the one template (docs/adding-a-service.md); this fails when one departs.

The layout: top-level modules, the four packages and the files each must have. The import
rules, read from the source (ast), not from running it:

- `domain/` is pure: no protobuf, no database driver, no gRPC, no other layer of the service;
- `handlers/` (use cases) depend on the domain and their own ports: never on adapters,
  entrypoints, `stint.kit.grpc`, protobuf or the database driver;
- protobuf messages meet the domain only in `adapters/` (`wire.py` above all) and in the
  `entrypoints/` that receive them;
- `__main__.py` is the kit's one-liner; no test double ships in production code.

Plus one rule for the whole tree: no hand-written source file over 250 lines.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SERVICES = ("postings", "applications", "submissions", "payouts", "notifications", "outcomes")
TOP_LEVEL_REQUIRED = {
    "__init__.py",
    "__main__.py",
    "bootstrap.py",
    "config.py",
    "domain",
    "handlers",
    "adapters",
    "entrypoints",
}
TOP_LEVEL_ALLOWED = TOP_LEVEL_REQUIRED | {"metrics.py", "py.typed"}
PACKAGE_REQUIRED = {
    "domain": {"__init__.py", "access.py"},
    "handlers": {"__init__.py", "ports.py"},
    "adapters": {"__init__.py", "repository.py", "wire.py"},
    "entrypoints": {"__init__.py", "grpc.py"},
}
# What an entrypoint module exports: one function of this name.
ENTRYPOINT_EXPORTS = {"kafka.py": "router", "timers.py": "timers"}
PROTOBUF = ("google.protobuf", "grpc", "stint.common.", "stint.postings.", "stint.applications.",
            "stint.submissions.", "stint.payouts.", "stint.notifications.",
            "stint.outcomes.")  # fmt: skip
DRIVER = ("pymongo", "bson", "aiokafka", "faststream")
KIT_EDGE = ("stint.kit.grpc", "stint.kit.wire", "stint.kit.bus", "stint.kit.mongo",
            "stint.kit.outbox", "stint.kit.bootstrap", "stint.kit.runner")  # fmt: skip
FAKE_NAMES = ("testing.py", "memory.py", "fakes.py")
MAX_LINES = 250


def source(service: str) -> Path:
    return ROOT / "services" / service / "src" / service


def imports(path: Path) -> Iterator[str]:
    """Every module `path` imports (absolute names; relative ones resolved in its package)."""
    tree = ast.parse(path.read_text(), str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                raise AssertionError(f"{path}: relative import (use the absolute name)")
            yield node.module or ""


def modules(service: str, package: str) -> list[Path]:
    return sorted((source(service) / package).rglob("*.py"))


def offending(service: str, package: str, forbidden: tuple[str, ...]) -> list[str]:
    found = []
    for path in modules(service, package):
        for name in imports(path):
            if any(
                name == f.rstrip(".") or name.startswith(f.rstrip(".") + ".") for f in forbidden
            ):
                found.append(f"{path.relative_to(ROOT)} imports {name}")
    return found


def layer(service: str, *names: str) -> tuple[str, ...]:
    return tuple(f"{service}.{n}" for n in names)


@pytest.mark.parametrize("service", SERVICES)
def test_the_layout_is_the_template(service: str) -> None:
    top = {p.name for p in source(service).iterdir() if p.name != "__pycache__"}
    assert not TOP_LEVEL_REQUIRED - top, f"missing: {sorted(TOP_LEVEL_REQUIRED - top)}"
    assert not top - TOP_LEVEL_ALLOWED, f"not in the template: {sorted(top - TOP_LEVEL_ALLOWED)}"
    for package, required in PACKAGE_REQUIRED.items():
        present = {p.name for p in (source(service) / package).iterdir()}
        assert not required - present, f"{package}/ lacks {sorted(required - present)}"


@pytest.mark.parametrize("service", SERVICES)
def test_entrypoints_export_one_function_each(service: str) -> None:
    for name, export in ENTRYPOINT_EXPORTS.items():
        path = source(service) / "entrypoints" / name
        if not path.exists():
            continue
        tree = ast.parse(path.read_text())
        functions = {
            n.name for n in tree.body if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)
        }
        assert export in functions, f"entrypoints/{name} must define {export}(...)"


@pytest.mark.parametrize("service", SERVICES)
def test_the_domain_is_pure(service: str) -> None:
    forbidden = PROTOBUF + DRIVER + KIT_EDGE + layer(service, "adapters", "handlers", "entrypoints")
    assert offending(service, "domain", forbidden) == []


@pytest.mark.parametrize("service", SERVICES)
def test_handlers_never_import_adapters_or_grpc(service: str) -> None:
    forbidden = (
        PROTOBUF + DRIVER + KIT_EDGE + layer(service, "adapters", "entrypoints", "bootstrap")
    )
    assert offending(service, "handlers", forbidden) == []


@pytest.mark.parametrize("service", SERVICES)
def test_main_is_the_kits_one_liner(service: str) -> None:
    text = (source(service) / "__main__.py").read_text()
    assert "run_service(build, Settings)" in text
    assert len([line for line in text.splitlines() if line.strip()]) <= 8


@pytest.mark.parametrize("service", SERVICES)
def test_no_test_double_ships_in_production_code(service: str) -> None:
    shipped = [p for p in source(service).rglob("*.py") if p.name in FAKE_NAMES]
    assert shipped == []


def hand_written_sources() -> list[Path]:
    roots = [ROOT / "libs", ROOT / "services", ROOT / "tools", ROOT / "deploy"]
    found = []
    for root in roots:
        for path in root.rglob("*.py"):
            parts = set(path.parts)
            if (
                "tests" in parts
                or ".venv" in parts
                or path.name.endswith(("_pb2.py", "_pb2_grpc.py"))
            ):
                continue
            found.append(path)
    return found


def test_no_hand_written_source_file_is_over_250_lines() -> None:
    long = {
        str(p.relative_to(ROOT)): n
        for p in hand_written_sources()
        if (n := len(p.read_text().splitlines())) > MAX_LINES
    }
    assert long == {}
