"""The money reports' query parameters at the edge: times are RFC 3339 within the edge's
years (else a 422 naming the parameter, never a 500), and only admins get through (here to a
503, since no backend runs)."""

from __future__ import annotations

import pytest

from stint.kit.mongo import Database

from ..conftest import client, settings, token
from .test_http_edges import DEAD_BACKENDS

GOOD = "from=2026-03-01T00:00:00Z&to=2026-03-08T00:00:00%2B02:00"


@pytest.fixture
def config(mongo_db: Database, infra: object) -> object:
    return settings(mongo_database=mongo_db.name, **DEAD_BACKENDS)


@pytest.mark.parametrize("path", ["/v1/ledger/totals", "/v1/ledger/reconciliation"])
@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("from=yesterday&to=2026-03-08T00:00:00Z", "from"),
        ("from=2026-03-01T00:00:00&to=2026-03-08T00:00:00Z", "from"),  # no offset
        ("from=2026-03-01T00:00:00Z&to=2200-01-01T00:00:00Z", "to"),
        ("from=2026-03-01T00:00:00Z&from=2026-03-02T00:00:00Z&to=2026-03-08T00:00:00Z", "from"),
    ],
)
async def test_a_bad_time_is_a_422_naming_it(
    config: object, path: str, query: str, field: str
) -> None:
    async with client(config) as c:  # type: ignore[arg-type]
        got = await c.get(f"{path}?{query}", headers=token("admin"))
    assert got.status_code == 422, got.text
    assert got.headers["content-type"].startswith("application/problem+json")
    assert [e["field"] for e in got.json()["errors"]] == [field]


async def test_admins_reach_the_backend_and_others_are_refused(config: object) -> None:
    async with client(config) as c:  # type: ignore[arg-type]
        admin = await c.get(f"/v1/ledger/totals?{GOOD}", headers=token("admin"))
        employer = await c.get(f"/v1/ledger/totals?{GOOD}", headers=token("employer", "cmp_1"))
        recon = await c.get(f"/v1/ledger/reconciliation?{GOOD}", headers=token("admin"))
        weekly = await c.get(
            f"/v1/ledger/totals?{GOOD}&granularity=TOTALS_GRANULARITY_WEEK", headers=token("admin")
        )
        unknown = await c.get(f"/v1/ledger/totals?{GOOD}&granularity=WEEK", headers=token("admin"))
    assert (admin.status_code, recon.status_code, weekly.status_code) == (503, 503, 503)
    assert employer.status_code == 403
    assert unknown.status_code == 422
