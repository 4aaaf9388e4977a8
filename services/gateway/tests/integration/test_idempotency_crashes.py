"""Idempotency that survives crashes (issue 15, items 1-3): a pending key is leased for about
the backend deadline, transient answers are never replayed, and a database outage is a 503."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from gateway.idempotency import Held, IdempotencyStore, StoredResponse
from gateway.problems import ProblemError
from stint.kit.mongo import Database
from stint.kit.testing.clock import ManualClock

from ..conftest import client, settings, token
from .test_http_edges import DEAD_BACKENDS

LEASE = timedelta(seconds=7)


@pytest.fixture
async def store(mongo_db: Database) -> tuple[IdempotencyStore, ManualClock]:
    clock = ManualClock(datetime(2026, 12, 1, 10, 0, tzinfo=UTC))
    return IdempotencyStore(mongo_db["idempotency"], clock, timedelta(hours=24), LEASE), clock


def _scope(key: str) -> str:
    return IdempotencyStore.scope("u1", "POST", "/v1/applications/app_1/hire", key)


async def test_a_key_whose_request_died_is_free_again_after_the_lease(
    store: tuple[IdempotencyStore, ManualClock],
) -> None:
    idempotency, clock = store
    died = await idempotency.begin(_scope("k1"), b"hire")
    assert isinstance(died, Held)  # ... and the gateway is killed before it finishes
    with pytest.raises(ProblemError) as busy:
        await idempotency.begin(_scope("k1"), b"hire")
    assert busy.value.status == 409
    assert busy.value.headers["Retry-After"] == "7"
    clock.advance(LEASE + timedelta(seconds=1))
    retry = await idempotency.begin(_scope("k1"), b"hire")
    assert isinstance(retry, Held)
    assert retry.holder != died.holder


async def test_a_late_finish_of_the_dead_request_does_not_overwrite_the_retry(
    store: tuple[IdempotencyStore, ManualClock],
) -> None:
    idempotency, clock = store
    slow = await idempotency.begin(_scope("k2"), b"hire")
    assert isinstance(slow, Held)
    clock.advance(LEASE + timedelta(seconds=1))
    retry = await idempotency.begin(_scope("k2"), b"hire")
    assert isinstance(retry, Held)
    await idempotency.finish(slow, StoredResponse(500, None, {}))  # gives up: deletes nothing
    await idempotency.finish(slow, StoredResponse(200, {"from": "slow"}, {}))  # writes nothing
    await idempotency.finish(retry, StoredResponse(200, {"from": "retry"}, {}))
    replay = await idempotency.begin(_scope("k2"), b"hire")
    assert isinstance(replay, StoredResponse)
    assert replay.body == {"from": "retry"}


@pytest.mark.parametrize(
    ("status", "replayed"),
    [(s, False) for s in (404, 409, 429, 500, 502, 503)]
    + [(s, True) for s in (200, 201, 400, 403, 422)],
)
async def test_only_final_answers_are_replayed(
    store: tuple[IdempotencyStore, ManualClock], status: int, replayed: bool
) -> None:
    """Transient answers (a projection not caught up, a conflict, a rate limit, any 5xx) free
    the key for a fresh attempt; final ones are what every retry gets."""
    idempotency, _ = store
    first = await idempotency.begin(_scope(f"k{status}"), b"apply")
    assert isinstance(first, Held)
    await idempotency.finish(first, StoredResponse(status, {"status": status}, {}))
    again = await idempotency.begin(_scope(f"k{status}"), b"apply")
    if replayed:
        assert isinstance(again, StoredResponse)
        assert again.status == status
    else:
        assert isinstance(again, Held)


async def test_a_database_outage_is_a_503_with_retry_after_not_a_500(infra: object) -> None:
    # Nothing listens on port 1: every database call fails as the outage did.
    config: Any = settings(
        mongo_uri="mongodb://127.0.0.1:1/?directConnection=true", **DEAD_BACKENDS
    )
    async with client(config) as c:
        response = await c.post(
            "/v1/applications/app_1/hire",
            json={},
            headers=token("employer", org="cmp_1") | {"Idempotency-Key": "outage-1"},
        )
        async with httpx.AsyncClient() as ops:
            ready = await ops.get(f"{c.ops_url}/readyz", timeout=5)
    assert response.status_code == 503, response.text
    assert response.headers["retry-after"] == "2"
    assert response.json()["type"].endswith("/dependency-unavailable")
    assert ready.status_code == 503
    assert ready.json()["checks"]["mongo"] is False
