"""`redocly lint` (recommended rules, redocly.yaml at the repository root) passes the gateway's
OpenAPI document with no error and no warning, and does catch a broken one."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from .node_tools import ROOT, node_bin, openapi_document, run, write_json

CONFIG = ROOT / "redocly.yaml"


def lint(document: dict[str, Any], work: Path) -> dict[str, Any]:
    spec = write_json(work / "openapi.json", document)
    linted = run(node_bin() / "redocly", "lint", spec, "--config", CONFIG, "--format", "json")
    try:
        report: dict[str, Any] = json.loads(linted.stdout)
    except json.JSONDecodeError:
        pytest.fail(f"redocly lint gave no report:\n{linted.stdout}\n{linted.stderr}")
    return report


def problems(report: dict[str, Any]) -> list[str]:
    return [
        f"{p['severity']} {p['ruleId']} at {p['location'][0]['pointer']}: {p['message']}"
        for p in report["problems"]
    ]


def test_the_document_is_clean(tmp_path: Path) -> None:
    report = lint(openapi_document(), tmp_path)
    assert report["totals"] == {"errors": 0, "warnings": 0, "ignored": 0}, problems(report)


def test_a_broken_document_fails(tmp_path: Path) -> None:
    document = openapi_document()
    del document["paths"]["/v1/postings"]["post"]["summary"]
    document["tags"] = [t for t in document["tags"] if t["name"] != "payouts"]
    report = lint(document, tmp_path)
    errors = {p["ruleId"] for p in report["problems"] if p["severity"] == "error"}
    assert {"operation-summary", "operation-tag-defined"} <= errors, problems(report)
