"""Per-endpoint concurrency: a slow endpoint never holds back the others."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

from notifications.entrypoints.timers import BUSY_DELAY, Dispatcher

NOW = datetime(2026, 3, 1, tzinfo=UTC)


class SlowDelivery:
    def __init__(self) -> None:
        self.release = asyncio.Event()
        self.started: list[str] = []
        self.saved: list[Any] = []
        self.messages = self

    def now(self) -> datetime:
        return NOW

    async def save(self, m: Any) -> None:
        self.saved.append(m)

    async def attempt(self, m: Any) -> None:
        self.started.append(m.id)
        await self.release.wait()


def doc(msg: str, endpoint: str) -> dict[str, Any]:
    return {
        "_id": msg,
        "endpoint_id": endpoint,
        "owner_kind": "company",
        "owner_id": "cmp_1",
        "event_type": "application.submitted",
        "event_id": "evt_1",
        "payload": "{}",
        "status": "pending",
        "created_at": NOW,
        "attempts": 0,
        "next_attempt_at": NOW,
        "version": 1,
    }


async def test_busy_endpoint_waits_while_others_proceed() -> None:
    delivery = SlowDelivery()
    dispatcher = Dispatcher(delivery, per_endpoint=1)  # type: ignore[arg-type]
    await dispatcher.on_due(doc("msg_a1", "whe_slow"))
    await dispatcher.on_due(doc("msg_a1", "whe_slow"))  # re-claimed while in flight: ignored
    for waiting in ("msg_a2", "msg_a3", "msg_a3", "msg_a4"):
        await dispatcher.on_due(doc(waiting, "whe_slow"))
    await dispatcher.on_due(doc("msg_b1", "whe_fast"))
    await asyncio.sleep(0)  # let the started tasks run up to their first await

    assert delivery.started == ["msg_a1", "msg_b1"]
    # Two may wait in memory (2 x the limit); the next one goes back to the database.
    [put_back] = delivery.saved
    assert (put_back.id, put_back.next_attempt_at) == ("msg_a4", NOW + BUSY_DELAY)

    delivery.release.set()
    for _ in range(10):
        await asyncio.sleep(0)
    assert delivery.started == ["msg_a1", "msg_b1", "msg_a2", "msg_a3"]
    await dispatcher.drain(timeout=1)


async def test_drain_cancels_what_overstays() -> None:
    delivery = SlowDelivery()
    dispatcher = Dispatcher(delivery, per_endpoint=2)  # type: ignore[arg-type]
    await dispatcher.on_due(doc("msg_a1", "whe_1"))
    await asyncio.sleep(0)
    started = asyncio.get_running_loop().time()
    await dispatcher.drain(timeout=0.05)
    assert asyncio.get_running_loop().time() - started < timedelta(seconds=1).total_seconds()
