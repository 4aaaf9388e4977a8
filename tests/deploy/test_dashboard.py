"""deploy/grafana/stint-overview.json: valid, one row per deployable, queries that exist."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from stint.contracts import topics

ROOT = Path(__file__).resolve().parents[2]
DASHBOARD = ROOT / "deploy/grafana/stint-overview.json"
RULES = ROOT / "deploy/prometheus/rules/stint.rules.yml"


def _dashboard() -> dict[str, Any]:
    data = json.loads(DASHBOARD.read_text())
    assert isinstance(data, dict)
    return data


def _exprs(dash: dict[str, Any]) -> list[str]:
    return [t["expr"] for p in dash["panels"] for t in p.get("targets", [])]


def test_dashboard_is_valid_grafana_json() -> None:
    dash = _dashboard()
    assert dash["uid"] == "stint-overview"
    assert isinstance(dash["schemaVersion"], int)
    ids = [p["id"] for p in dash["panels"]]
    assert len(ids) == len(set(ids)), "panel ids must be unique"
    for panel in dash["panels"]:
        grid = panel["gridPos"]
        assert grid["x"] + grid["w"] <= 24
        if panel["type"] != "row":
            assert panel["targets"], f"panel {panel['title']!r} has no query"
            assert panel["datasource"]["uid"] == "${datasource}"


def test_one_row_per_service_with_red_events_and_outbox() -> None:
    dash = _dashboard()
    rows = [p["title"] for p in dash["panels"] if p["type"] == "row"]
    assert rows == ["Platform overview", *topics.SERVICES, "gateway"]
    exprs = "\n".join(_exprs(dash))
    for service in topics.SERVICES:
        for metric in (
            "stint_grpc_server_handled_total",
            "stint_grpc_server_handling_seconds_bucket",
            "stint_events_consumed_total",
            "stint_dlq_messages_total",
            "stint_outbox_pending",
            "stint_outbox_oldest_age_seconds",
        ):
            assert re.search(rf'{metric}\{{service="{service}"', exprs), (service, metric)


def test_recording_rules_used_by_the_dashboard_exist() -> None:
    recorded = set(re.findall(r"(?m)^\s*- record: (\S+)$", RULES.read_text()))
    used = set(re.findall(r"\bstint:[a-z0-9_:]+", "\n".join(_exprs(_dashboard()))))
    assert used, "the overview uses the recording rules"
    assert used <= recorded, used - recorded
