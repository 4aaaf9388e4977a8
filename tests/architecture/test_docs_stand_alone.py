"""The repository stands alone: its docs carry the whole contract (docs/design.md), and no file
points at a document outside the repository (a clone has no such file)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUTSIDE = re.compile(r"\.\./shared/|\bshared/(design|recipes)\.md|\bshared/tools/|steering repo")
THIS = Path(__file__).relative_to(ROOT).as_posix()


def tracked() -> list[str]:
    listed = subprocess.run(
        ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    return [name for name in listed if name != THIS and (ROOT / name).is_file()]


def test_nothing_refers_to_files_outside_the_repository() -> None:
    found = []
    for name in tracked():
        try:
            text = (ROOT / name).read_text()
        except UnicodeDecodeError:
            continue
        found += [f"{name}: {m.group(0)}" for m in OUTSIDE.finditer(text)]
    assert found == []


def test_the_docs_hold_the_contract_and_start_a_newcomer() -> None:
    design = (ROOT / "docs" / "design.md").read_text()
    for section in range(1, 11):  # code cites "design.md §N"
        assert re.search(rf"^## {section}\. ", design, re.MULTILINE), f"§{section} missing"
    readme = (ROOT / "README.md").read_text()
    assert "docs/design.md" in readme
    assert "docs/adding-a-service.md" in readme
