"""Due-time timers claimed atomically: several replicas fire each timer exactly once."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import timedelta

from stint.kit.clock import SystemClock
from stint.kit.docguard import DocumentGuard
from stint.kit.mongo import Database, Document
from stint.kit.outbox import OutboxCollection
from stint.kit.testing.clock import ManualClock
from stint.kit.timers import DueTimer, TimerWorker


async def test_two_replicas_fire_each_due_timer_once(
    mongo_db: Database, guard: DocumentGuard
) -> None:
    clock = SystemClock()
    postings = mongo_db["postings"]
    now = clock.now()
    fired: Counter[str] = Counter()

    async def expire(doc: Document) -> None:
        fired[doc["_id"]] += 1
        await asyncio.sleep(0)  # yield, so the two replicas really interleave
        await postings.update_one({"_id": doc["_id"]}, {"$unset": {"expires_at": ""}})

    def replica() -> TimerWorker:
        # Each replica has its own view of the collection, as separate processes would.
        own = OutboxCollection(postings, clock, guard=guard)
        timer = DueTimer("expiry", own, "expires_at", expire)
        return TimerWorker("kit-test", [timer], clock, guard=guard)

    first, second = replica(), replica()
    await first.ensure_indexes()
    aggregates = first.timers[0].collection  # the first replica's process writes them
    for n in range(20):
        await aggregates.insert({"_id": f"pst_{n}", "expires_at": now - timedelta(seconds=n)})
    await aggregates.insert({"_id": "pst_future", "expires_at": now + timedelta(hours=1)})
    done = await asyncio.gather(first.fire_due(), second.fire_due())

    assert sum(done) == 20
    assert set(fired) == {f"pst_{n}" for n in range(20)}
    assert set(fired.values()) == {1}
    assert await postings.count_documents({"expires_at": {"$exists": True}}) == 1


async def test_a_failed_timer_fires_again_only_after_its_lease(
    mongo_db: Database, guard: DocumentGuard
) -> None:
    clock = ManualClock(SystemClock().now())
    aggregates = OutboxCollection(mongo_db["jobs"], clock, guard=guard)
    jobs = aggregates.collection
    attempts: list[str] = []

    async def flaky(doc: Document) -> None:
        attempts.append(doc["_id"])
        if len(attempts) == 1:
            raise RuntimeError("crashed mid-way")
        await jobs.update_one({"_id": doc["_id"]}, {"$unset": {"due_at": ""}})

    timer = DueTimer("job", aggregates, "due_at", flaky, lease=timedelta(seconds=60))
    worker = TimerWorker("kit-test", [timer], clock, guard=guard)
    await aggregates.insert({"_id": "job_1", "due_at": clock.now()})

    assert await worker.fire_due() == 0
    assert await worker.fire_due() == 0  # still leased to the attempt that crashed
    clock.advance(timedelta(seconds=61))
    assert await worker.fire_due() == 1
    assert attempts == ["job_1", "job_1"]
    assert await jobs.count_documents({"due_at": {"$exists": True}}) == 0
