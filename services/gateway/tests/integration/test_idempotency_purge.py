"""The idempotency purge deletes whole expired hours by equality and remembers where it got to."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from gateway.idempotency import PURGE_CURSOR, Held, IdempotencyStore, StoredResponse
from stint.kit.mongo import Database
from stint.kit.testing.clock import ManualClock


async def test_purge_removes_expired_hours_only_and_keeps_its_cursor(mongo_db: Database) -> None:
    clock = ManualClock(datetime(2026, 12, 1, 10, 30, tzinfo=UTC))
    records = mongo_db["idempotency"]
    store = IdempotencyStore(records, clock, timedelta(hours=1), lease=timedelta(seconds=7))
    await store.ensure_indexes()
    for n in range(3):
        scope = IdempotencyStore.scope("u1", "POST", "/v1/x", f"old-{n}")
        held = await store.begin(scope, b"{}")
        assert isinstance(held, Held)
        await store.finish(held, StoredResponse(201, {"n": n}, {}))

    clock.advance(timedelta(minutes=50))  # 11:20: the old records expire at 11:30, this hour
    fresh = IdempotencyStore.scope("u1", "POST", "/v1/x", "fresh")
    assert isinstance(await store.begin(fresh, b"{}"), Held)
    assert await store.purge_expired() == 0  # nothing has expired in an hour that has passed

    clock.advance(timedelta(hours=1))  # 12:20: hour 11 is over, the fresh one expires at 12:20
    assert await store.purge_expired() == 3
    assert await records.count_documents({"_id": fresh}) == 1
    cursor = await records.find_one({"_id": PURGE_CURSOR})
    assert cursor is not None
    assert await store.purge_expired() == 0  # the passed hours are not visited again
    assert await records.find_one({"_id": PURGE_CURSOR}) == cursor
