"""Due-time timers claimed atomically: several replicas fire each timer exactly once."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import timedelta

from stint.kit.clock import SystemClock
from stint.kit.docguard import DocumentGuard
from stint.kit.mongo import Database, Document
from stint.kit.testing.clock import ManualClock
from stint.kit.timers import DueTimer, TimerWorker


async def test_two_replicas_fire_each_due_timer_once(
    mongo_db: Database, guard: DocumentGuard
) -> None:
    clock = SystemClock()
    postings = mongo_db["postings"]
    now = clock.now()
    await postings.insert_many(
        [{"_id": f"pst_{n}", "expires_at": now - timedelta(seconds=n)} for n in range(20)]
        + [{"_id": "pst_future", "expires_at": now + timedelta(hours=1)}]
    )
    fired: Counter[str] = Counter()

    async def expire(doc: Document) -> None:
        fired[doc["_id"]] += 1
        await asyncio.sleep(0)  # yield, so the two replicas really interleave
        await postings.update_one({"_id": doc["_id"]}, {"$unset": {"expires_at": ""}})

    def replica() -> TimerWorker:
        timer = DueTimer("expiry", postings, "expires_at", expire)
        return TimerWorker("kit-test", [timer], clock, guard=guard)

    first, second = replica(), replica()
    await first.ensure_indexes()
    done = await asyncio.gather(first.fire_due(), second.fire_due())

    assert sum(done) == 20
    assert set(fired) == {f"pst_{n}" for n in range(20)}
    assert set(fired.values()) == {1}
    assert await postings.count_documents({"expires_at": {"$exists": True}}) == 1


async def test_a_failed_timer_fires_again_only_after_its_lease(
    mongo_db: Database, guard: DocumentGuard
) -> None:
    clock = ManualClock(SystemClock().now())
    jobs = mongo_db["jobs"]
    await jobs.insert_one({"_id": "job_1", "due_at": clock.now()})
    attempts: list[str] = []

    async def flaky(doc: Document) -> None:
        attempts.append(doc["_id"])
        if len(attempts) == 1:
            raise RuntimeError("crashed mid-way")
        await jobs.update_one({"_id": doc["_id"]}, {"$unset": {"due_at": ""}})

    timer = DueTimer("job", jobs, "due_at", flaky, lease=timedelta(seconds=60))
    worker = TimerWorker("kit-test", [timer], clock, guard=guard)

    assert await worker.fire_due() == 0
    assert await worker.fire_due() == 0  # still leased to the attempt that crashed
    clock.advance(timedelta(seconds=61))
    assert await worker.fire_due() == 1
    assert attempts == ["job_1", "job_1"]
    assert await jobs.count_documents({"due_at": {"$exists": True}}) == 0
