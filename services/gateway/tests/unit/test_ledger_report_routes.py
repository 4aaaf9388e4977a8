"""The operators' money reports in the OpenAPI document: admin only, the range required as RFC
3339 times within the edge's years, the granularity by name."""

from __future__ import annotations

import re
from typing import Any

import pytest

from gateway.app import create_app

from ..conftest import settings

REPORTS = ("/v1/ledger/totals", "/v1/ledger/reconciliation")


@pytest.fixture(scope="module")
def spec() -> dict[str, Any]:
    document: dict[str, Any] = create_app(settings()).openapi()
    return document


def parameters(spec: dict[str, Any], path: str) -> dict[str, dict[str, Any]]:
    return {p["name"]: p for p in spec["paths"][path]["get"]["parameters"]}


@pytest.mark.parametrize("path", REPORTS)
def test_the_range_is_required_rfc_3339_between_1970_and_2100(
    spec: dict[str, Any], path: str
) -> None:
    params = parameters(spec, path)
    for name in ("from", "to"):
        assert params[name]["required"] is True
        schema = params[name]["schema"]
        assert (schema["type"], schema["format"]) == ("string", "date-time")
        assert re.search(schema["pattern"], "2026-03-01T00:00:00Z")
        assert not re.search(schema["pattern"], "2100-01-01T00:00:00Z")
    assert spec["paths"][path]["get"]["security"] == [{"bearerAuth": []}]


def test_totals_take_a_granularity_by_name_and_a_currency_code(spec: dict[str, Any]) -> None:
    params = parameters(spec, "/v1/ledger/totals")
    assert params["granularity"]["required"] is False
    granularity = str(params["granularity"]["schema"])
    assert "TOTALS_GRANULARITY_WEEK" in granularity
    assert "TOTALS_GRANULARITY_UNSPECIFIED" not in granularity
    assert "[A-Z]{3}" in str(params["currency"]["schema"])
    assert spec["paths"]["/v1/ledger/totals"]["get"]["operationId"] == "getMoneyTotals"
    reconcile = spec["paths"]["/v1/ledger/reconciliation"]["get"]
    assert reconcile["operationId"] == "reconcileProvider"
