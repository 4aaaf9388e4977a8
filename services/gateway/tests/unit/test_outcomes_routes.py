"""A university's outcomes in the OpenAPI document: JSON and a text/csv download, the range
optional RFC 3339 times, the university's office and admins only."""

from __future__ import annotations

from typing import Any

import pytest

from gateway.app import create_app
from gateway.routes import outcomes

from ..conftest import settings

JSON = "/v1/universities/{university_id}/outcomes"
CSV = "/v1/universities/{university_id}/outcomes.csv"


@pytest.fixture(scope="module")
def spec() -> dict[str, Any]:
    document: dict[str, Any] = create_app(settings()).openapi()
    return document


@pytest.mark.parametrize("path", [JSON, CSV])
def test_the_range_is_optional_and_rfc_3339(spec: dict[str, Any], path: str) -> None:
    params = {p["name"]: p for p in spec["paths"][path]["get"]["parameters"]}
    assert set(params) == {"university_id", "from", "to"}
    for name in ("from", "to"):
        assert params[name]["required"] is False
        assert params[name]["schema"]["format"] == "date-time"
    assert spec["paths"][path]["get"]["tags"] == ["outcomes"]


def test_the_csv_export_is_documented_as_a_text_csv_download(spec: dict[str, Any]) -> None:
    ok = spec["paths"][CSV]["get"]["responses"]["200"]
    assert ok["content"]["text/csv"]["schema"] == {"type": "string", "format": "binary"}
    assert "Content-Disposition" in ok["headers"]
    assert "application/json" in spec["paths"][JSON]["get"]["responses"]["200"]["content"]


def test_only_universities_and_admins_may_call_them() -> None:
    assert {r.path: r.roles for r in outcomes.ROUTES} == {
        JSON: frozenset({"university", "admin"}),
        CSV: frozenset({"university", "admin"}),
    }
