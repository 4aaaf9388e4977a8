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


async def test_a_slow_handler_keeps_its_claim_and_a_crashed_one_loses_it_within_the_lease(
    mongo_db: Database, guard: DocumentGuard
) -> None:
    """The lease is short and renewed while the handler runs (issue 15, item 5): a handler
    slower than the lease is not run twice at once, and work a crash left claimed is picked up
    again after the short lease, not a minute later."""
    clock = SystemClock()
    lease = timedelta(seconds=0.6)
    jobs = mongo_db["jobs"]
    fired: list[str] = []
    release = asyncio.Event()

    async def slow(doc: Document) -> None:
        fired.append(doc["_id"])
        await release.wait()
        # Under the guard, as the handlers' writes through OutboxCollection are: on FerretDB
        # a filtered update is not atomic, and the renewal must not race it.
        async with guard.hold(jobs, doc["_id"]):
            await jobs.update_one({"_id": doc["_id"]}, {"$unset": {"due_at": ""}})

    def replica() -> TimerWorker:
        own = OutboxCollection(jobs, clock, guard=guard)
        return TimerWorker(
            "kit-test", [DueTimer("job", own, "due_at", slow, lease=lease)], clock, guard=guard
        )

    first, second = replica(), replica()
    await first.ensure_indexes()
    await first.timers[0].collection.insert({"_id": "job_slow", "due_at": clock.now()})
    running = asyncio.create_task(first.fire_due())
    deadline = asyncio.get_running_loop().time() + 10
    while not fired:
        assert asyncio.get_running_loop().time() < deadline
        await asyncio.sleep(0.05)
    # Three leases later, the other replica still finds nothing to claim: the claim is renewed.
    for _ in range(6):
        await asyncio.sleep(lease.total_seconds() / 2)
        assert await second.fire_due() == 0
    release.set()
    assert await running == 1
    assert fired == ["job_slow"]

    # A crash: claimed, and nobody finishes or renews it. The next replica takes it soon.
    await first.timers[0].collection.insert({"_id": "job_crashed", "due_at": clock.now()})
    claimed = await first._claim(first.timers[0], "job_crashed")
    assert claimed is not None
    release.clear()
    release.set()
    took = asyncio.get_running_loop().time()
    while await second.fire_due() == 0:
        assert asyncio.get_running_loop().time() - took < 5, "the crashed claim was not retried"
        await asyncio.sleep(0.1)
    assert fired == ["job_slow", "job_crashed"]
