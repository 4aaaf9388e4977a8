"""Work queues that touch only pending work: the relay drains what was written, exactly once and
in order, while many writers race; a timer due while its service was down fires once after the
restart; pending work is found by its indexed flag, and finished work leaves no flag behind."""

from __future__ import annotations

import asyncio
from collections import Counter, defaultdict
from datetime import timedelta

from faststream.kafka import KafkaBroker
from google.protobuf.wrappers_pb2 import StringValue

from stint.kit.bus import KafkaEventPublisher
from stint.kit.clock import SystemClock
from stint.kit.docguard import DocumentGuard
from stint.kit.errors import ConcurrencyConflict
from stint.kit.mongo import Database, Document
from stint.kit.outbox import OUTBOX_PENDING, OutboxCollection, due_marker
from stint.kit.relay import OutboxRelay
from stint.kit.testing.clock import ManualClock
from stint.kit.testing.kafka import headers_of, wait_for_records
from stint.kit.testing.poll import eventually
from stint.kit.timers import DueTimer, TimerWorker

from .events import widget_event


async def test_relay_publishes_each_event_exactly_once_in_order_under_concurrent_writers(
    broker: KafkaBroker, mongo_db: Database, guard: DocumentGuard, kafka_bootstrap: str, topic: str
) -> None:
    # A sweep an hour away: every event must leave through the wake-ups after the writes.
    relay = OutboxRelay(
        "kit-test", [], KafkaEventPublisher(broker), SystemClock(), sweep_seconds=3600, guard=guard
    )
    widgets = OutboxCollection(
        mongo_db["widgets"], SystemClock(), on_commit=relay.wake, guard=guard
    )
    relay.collections.append(widgets.collection)
    await widgets.ensure_indexes()
    keys = [f"wdg_{n}" for n in range(4)]
    for key in keys:
        await widgets.insert({"_id": key, "n": 0}, [widget_event(topic, key, "0")])
    task = asyncio.create_task(relay.run())

    async def writer(w: int) -> int:
        written = 0
        for i in range(10):
            key = keys[(w + i) % len(keys)]
            while True:  # load, decide, save; a lost race reloads
                doc = await widgets.get(key)
                assert doc is not None
                n = doc["n"] + 1
                try:
                    await widgets.update(
                        key, doc["version"], {"n": n}, [widget_event(topic, key, str(n))]
                    )
                except ConcurrencyConflict:
                    continue
                written += 1
                break
        return written

    try:
        total = len(keys) + sum(await asyncio.gather(*(writer(w) for w in range(8))))
        records = await wait_for_records(kafka_bootstrap, topic, count=total, timeout=30)
    finally:
        relay.stop()
        await asyncio.wait_for(task, 15)

    ids = Counter(headers_of(r)["ce_id"] for r in records)
    assert len(records) == total == 84
    assert set(ids.values()) == {1}  # nothing published twice, nothing lost
    by_key: dict[bytes, list[int]] = defaultdict(list)
    for record in records:
        by_key[record.key].append(int(StringValue.FromString(record.value).value))
    for key, values in by_key.items():
        assert values == sorted(values), f"{key!r} out of order"
    stored = [await widgets.get(k) for k in keys]
    assert all(d is not None and d["outbox"] == [] and OUTBOX_PENDING not in d for d in stored)
    assert await widgets.collection.count_documents({OUTBOX_PENDING: True}) == 0


async def test_a_timer_due_while_its_service_was_down_fires_once_after_restart(
    mongo_db: Database, guard: DocumentGuard
) -> None:
    clock = ManualClock(SystemClock().now())
    fired: Counter[str] = Counter()

    def process() -> tuple[OutboxCollection, TimerWorker]:
        jobs = OutboxCollection(mongo_db["jobs"], clock, guard=guard)

        async def handle(doc: Document) -> None:
            fired[doc["_id"]] += 1
            current = await jobs.get(doc["_id"])
            assert current is not None
            await jobs.update(doc["_id"], current["version"], {"due_at": None})

        timer = DueTimer("job", jobs, "due_at", handle, lease=timedelta(seconds=30))
        return jobs, TimerWorker("kit-test", [timer], clock, poll_seconds=0.05, guard=guard)

    jobs, before_crash = process()
    await before_crash.ensure_indexes()
    await jobs.insert({"_id": "job_1", "due_at": clock.now() + timedelta(minutes=5)})
    await jobs.insert({"_id": "job_2", "due_at": clock.now() + timedelta(days=1)})
    del before_crash  # the service dies before the timer is due; its worker never ran

    clock.advance(timedelta(minutes=10))  # down past the due time
    jobs, restarted = process()
    task = asyncio.create_task(restarted.run())
    try:
        await eventually(lambda: fired["job_1"], until=lambda n: n >= 1, what="job_1 fired")
        clock.advance(timedelta(minutes=1))  # past the claim's lease: a second fire would show
        await eventually(
            lambda: jobs.collection.count_documents({due_marker("due_at"): True}),
            until=lambda n: n == 1,
            what="only job_2 still pending",
        )
    finally:
        restarted.stop()
        await asyncio.wait_for(task, 10)
    assert fired == {"job_1": 1}
    done = await jobs.get("job_1")
    assert done is not None
    assert done["due_at"] is None
    assert due_marker("due_at") not in done
