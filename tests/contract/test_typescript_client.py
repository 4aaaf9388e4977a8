"""A TypeScript client generated from the OpenAPI document alone (openapi-typescript) compiles
under `tsc --strict` (typescript/client.ts: post, publish, apply, shortlist, hire, deliver,
approve, read the payout), and the same program without a required request field does not."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from .node_tools import node_bin, openapi_document, run, write_json

CLIENT = Path(__file__).with_name("typescript") / "client.ts"
# The create-posting body's title: the broken variant is the client without this line.
TITLE = '      title: "Market sizing for a student coffee subscription",\n'
TSC = ("--strict", "--noEmit", "--target", "es2022", "--lib", "es2022,dom")
MODULES = ("--module", "esnext", "--moduleResolution", "bundler")


@pytest.fixture(scope="module")
def compiled(tmp_path_factory: pytest.TempPathFactory) -> subprocess.CompletedProcess[str]:
    """tsc over the client and its broken variant (one run: the two are separate modules)."""
    bin_dir = node_bin()
    work = tmp_path_factory.mktemp("typescript")
    spec = write_json(work / "openapi.json", openapi_document())
    generated = run(bin_dir / "openapi-typescript", spec, "-o", work / "schema.d.ts", cwd=work)
    assert generated.returncode == 0, generated.stdout + generated.stderr
    source = CLIENT.read_text()
    assert source.count(TITLE) == 1, "client.ts no longer has the create-posting title line"
    (work / "client.ts").write_text(source)
    (work / "broken.ts").write_text(source.replace(TITLE, ""))
    return run(bin_dir / "tsc", *TSC, *MODULES, "client.ts", "broken.ts", cwd=work)


def _errors(result: subprocess.CompletedProcess[str], file: str) -> list[str]:
    return [line for line in result.stdout.splitlines() if line.startswith(f"{file}(")]


def test_the_client_compiles_under_strict(compiled: subprocess.CompletedProcess[str]) -> None:
    assert not _errors(compiled, "client.ts"), compiled.stdout
    # Whatever tsc reports is about the broken variant (nothing about its options or setup).
    others = [
        line
        for line in compiled.stdout.splitlines()
        if line.strip() and not line.startswith(("broken.ts(", " "))
    ]
    assert not others, compiled.stdout + compiled.stderr


def test_a_posting_without_its_required_title_does_not_compile(
    compiled: subprocess.CompletedProcess[str],
) -> None:
    errors = _errors(compiled, "broken.ts")
    assert compiled.returncode != 0, "the body without `title` compiled: is title required?"
    assert errors, compiled.stdout + compiled.stderr
    assert any("Property 'title' is missing" in line for line in errors), compiled.stdout
