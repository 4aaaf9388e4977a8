"""Every alert has a runbook entry and a promtool unit test."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
RULES = ROOT / "deploy/prometheus/rules/stint.rules.yml"
RUNBOOKS = ROOT / "docs/runbooks.md"


def _alerts(load_yaml: Callable[[str], list[Any]]) -> list[dict[str, Any]]:
    (doc,) = load_yaml(RULES.read_text())
    return [r for g in doc["groups"] for r in g["rules"] if "alert" in r]


def _anchors() -> set[str]:
    """GitHub-style anchors of the runbook's headings."""
    headings = re.findall(r"(?m)^#+ (.+)$", RUNBOOKS.read_text())
    return {re.sub(r"[^a-z0-9 _-]", "", h.strip().lower()).replace(" ", "-") for h in headings}


def test_every_alert_has_severity_summary_and_an_existing_runbook(
    load_yaml: Callable[[str], list[Any]],
) -> None:
    alerts = _alerts(load_yaml)
    assert len(alerts) >= 10
    anchors = _anchors()
    for alert in alerts:
        assert alert["labels"]["severity"] in {"critical", "warning"}, alert["alert"]
        assert alert["annotations"]["summary"]
        url = alert["annotations"]["runbook_url"]
        assert url == f"docs/runbooks.md#{alert['alert'].lower()}"
        assert url.split("#", 1)[1] in anchors, f"no runbook heading for {alert['alert']}"


def test_every_alert_has_a_unit_test(load_yaml: Callable[[str], list[Any]]) -> None:
    tested: set[str] = set()
    for path in (ROOT / "deploy/prometheus/tests").glob("*.yml"):
        (doc,) = load_yaml(path.read_text())
        for case in doc["tests"]:
            for check in case.get("alert_rule_test", []):
                if check["exp_alerts"]:
                    tested.add(check["alertname"])
    assert {a["alert"] for a in _alerts(load_yaml)} <= tested
