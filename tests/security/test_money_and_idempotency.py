"""Money bounds (item 3) and the idempotency scope (item 6) on the live platform."""

from __future__ import annotations

import json

import httpx
import pytest

from stint.kit.money import DEFAULT_MAX_AMOUNT_MINOR

from ..e2e.conftest import auth
from .conftest import Tally
from .postings import posting

EMPLOYER = auth("employer", "usr_money", "cmp_money")
ADMIN = auth("admin", "usr_admin_sec")


@pytest.mark.parametrize(
    "amount",
    [9_223_372_036_854_775_807, 2**63, 2**64, DEFAULT_MAX_AMOUNT_MINOR + 1, 0, -1, -(2**63)],
)
async def test_fees_outside_the_bounds_are_field_errors(
    api: httpx.AsyncClient, tally: Tally, amount: int
) -> None:
    body = posting(fee={"amount_minor": amount, "currency": "USD"})
    created = await api.post("/v1/postings", json=body, headers=EMPLOYER)
    tally.record(
        "money out of bounds",
        accepted=created.status_code < 400,
        server_error=created.status_code >= 500,
    )
    assert created.status_code == 422, created.text
    fields = [e["field"] for e in created.json()["errors"]]
    assert any("fee" in field for field in fields), fields


async def test_the_maximum_itself_is_accepted(api: httpx.AsyncClient) -> None:
    body = posting(fee={"amount_minor": DEFAULT_MAX_AMOUNT_MINOR, "currency": "USD"})
    created = await api.post("/v1/postings", json=body, headers=EMPLOYER)
    assert created.status_code == 201, created.text


async def test_a_key_replays_the_same_request_however_it_is_spelled(
    api: httpx.AsyncClient,
) -> None:
    body = posting(title="Idempotent posting")
    key = {"Idempotency-Key": "sec-spelling-1", "Content-Type": "application/json"}
    first = await api.post("/v1/postings", content=json.dumps(body), headers=EMPLOYER | key)
    reordered = json.dumps(dict(reversed(list(body.items()))), indent=2)
    again = await api.post("/v1/postings", content=reordered, headers=EMPLOYER | key)
    other = await api.post(
        "/v1/postings", json=body | {"title": "Another posting"}, headers=EMPLOYER | key
    )
    assert first.status_code == 201, first.text
    assert again.status_code == 201
    assert again.headers["idempotent-replayed"] == "true"
    assert again.json()["id"] == first.json()["id"]
    assert other.status_code == 422
    assert other.json()["type"].endswith("/idempotency-key-reused")


async def test_the_query_is_part_of_the_scope(api: httpx.AsyncClient) -> None:
    """The attack: an admin's key reused with ?company_id=Y replayed X's posting."""
    key = {"Idempotency-Key": "sec-query-1"}
    body = posting(title="For one company")
    for_x = await api.post("/v1/postings?company_id=cmp_x", json=body, headers=ADMIN | key)
    for_y = await api.post("/v1/postings?company_id=cmp_y", json=body, headers=ADMIN | key)
    assert for_x.status_code == 201, for_x.text
    assert for_y.status_code == 201, for_y.text
    assert "idempotent-replayed" not in for_y.headers
    assert (for_x.json()["company_id"], for_y.json()["company_id"]) == ("cmp_x", "cmp_y")
