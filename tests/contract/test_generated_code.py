"""The committed code in libs/contracts is exactly what `make proto` generates from protos/."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[2]
GENERATED = ROOT / "libs" / "contracts" / "src"


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "generate", ROOT / "libs/contracts/tools/generate.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["generate"] = module
    spec.loader.exec_module(module)
    return module


def _generated_files(base: Path, suffixes: tuple[str, ...]) -> dict[str, str]:
    return {
        str(p.relative_to(base)): p.read_text()
        for p in base.rglob("*")
        if p.is_file() and p.name.endswith(suffixes)
    }


def test_generated_code_is_up_to_date(tmp_path: Path) -> None:
    generate = _generator()
    generate.generate(tmp_path)
    fresh = _generated_files(tmp_path, generate.GENERATED_SUFFIXES)
    committed = _generated_files(GENERATED, generate.GENERATED_SUFFIXES)

    assert fresh, "protoc generated nothing"
    assert sorted(committed) == sorted(fresh), "run `make proto`: generated files differ"
    stale = [name for name in fresh if committed[name] != fresh[name]]
    assert not stale, f"run `make proto`: out of date: {stale}"


def test_every_proto_has_generated_messages() -> None:
    protos = sorted((ROOT / "protos").rglob("*.proto"))
    assert protos
    for proto in protos:
        module = GENERATED / proto.relative_to(ROOT / "protos").with_name(proto.stem + "_pb2.py")
        assert module.exists(), f"{proto} has no generated module; run `make proto`"
