"""The outbox relay: publishes events committed in aggregate outboxes, then removes them.

Work comes in two ways, and neither scans a collection that grows with history:
- **Wake-ups**: every write that enqueued events names its document (`wake(collection, id)`),
  and the relay drains exactly that document by `_id`, several documents at once (bounded),
  each document by one task at a time, so its events leave in commit order.
- **A recovery sweep** every `sweep_seconds` (and on start) finds documents whose events were
  left behind (a crash, a broker outage, another replica's writes) by equality on the indexed
  ``outbox_pending`` flag, claims each with a short lease (replicas do not publish the same
  events at once) and leaves alone what was committed in the last `grace_seconds`.

For one document: publish the events the writer knew exactly (its outbox was empty before the
write), else read the outbox by `_id`; publish in order with an idempotent producer, then remove
them in one update — clearing the outbox when it still holds exactly those events, else
`$pullAll` of exactly those subdocuments (FerretDB ignores `$pull` conditions on subdocuments).
A crash between publish and removal republishes; consumers deduplicate by ce_id.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Sequence
from datetime import datetime, timedelta
from typing import Protocol

from pymongo import ReturnDocument

from stint.kit import metrics, tracing
from stint.kit.clock import Clock, SystemClock
from stint.kit.docguard import DocumentGuard, NoGuard
from stint.kit.envelope import Envelope
from stint.kit.mongo import Collection, Document
from stint.kit.outbox import OUTBOX, OUTBOX_LEASE, OUTBOX_PENDING, OUTBOX_SINCE

log = logging.getLogger(__name__)

Key = tuple[str, str]  # (collection name, document id)
_DONE = {"$set": {OUTBOX: []}, "$unset": {OUTBOX_SINCE: "", OUTBOX_PENDING: "", OUTBOX_LEASE: ""}}


def _wall_now() -> datetime:
    # Leases are about real elapsed time (a crashed relay's claim runs out), so they use the
    # wall clock even when the service runs on a simulated one.
    return SystemClock().now()


class EventPublisher(Protocol):
    async def publish(self, envelope: Envelope) -> None:
        """Publish one event and return once Kafka acknowledged it (acks=all)."""
        ...


class OutboxRelay:
    """Drains the outboxes of `collections`; `wake()` after a write, `run()` as a task."""

    def __init__(
        self,
        service: str,
        collections: Sequence[Collection],
        publisher: EventPublisher,
        clock: Clock,
        *,
        sweep_seconds: float = 30.0,
        lease_seconds: float = 10.0,
        grace_seconds: float = 10.0,
        concurrency: int = 16,
        guard: DocumentGuard | None = None,
    ) -> None:
        self.service = service
        self._guard = guard or NoGuard()
        self.collections = list(collections)
        self._publisher = publisher
        self._clock = clock
        self._sweep_seconds = sweep_seconds
        self._lease = timedelta(seconds=lease_seconds)
        self._grace = timedelta(seconds=grace_seconds)
        self._slots = asyncio.Semaphore(concurrency)
        # Documents to drain, in wake-up order: the exact batches written since the last
        # drain, or None when the outbox must be read.
        self._dirty: dict[Key, list[list[Document]] | None] = {}
        self._busy: dict[Key, asyncio.Task[int]] = {}
        self._wake = asyncio.Event()
        self._sweep_now = True
        self._stopping = False

    def wake(
        self,
        collection: str = "",
        doc_id: str = "",
        outbox: list[Document] | None = None,
    ) -> None:
        """Drain document `doc_id` of `collection` now (called right after a write that
        enqueued events; `outbox` is its whole outbox after that write when the writer knows it
        exactly); without arguments, sweep every collection now."""
        if not (collection and doc_id):
            self._sweep_now = True
        else:
            key = (collection, doc_id)
            batches = self._dirty.get(key, [])
            if outbox is None or batches is None:
                self._dirty[key] = None
            else:
                self._dirty[key] = [*batches, outbox]
        self._wake.set()

    async def run(self) -> None:
        """Drain woken documents as they come and sweep every `sweep_seconds`; after `stop()`,
        finish what is running and make one last sweep, so a clean shutdown leaves nothing."""
        loop = asyncio.get_running_loop()
        next_sweep = loop.time()
        # On start nothing of this process is in flight: whatever is pending was left behind.
        first: timedelta | None = timedelta(0)
        while not self._stopping:
            self._wake.clear()
            if self._sweep_now or loop.time() >= next_sweep:
                self._sweep_now = False
                next_sweep = loop.time() + self._sweep_seconds
                await self._guarded(self.sweep(first))
                first = None
            self._start_dirty()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), max(next_sweep - loop.time(), 0.0))
        await asyncio.gather(*self._busy.values(), return_exceptions=True)
        await self._guarded(self.drain())

    def stop(self) -> None:
        """Ask `run()` to finish its current work, make a last sweep and return."""
        self._stopping = True
        self._wake.set()

    async def _guarded(self, work: Awaitable[int]) -> None:
        try:
            await work
        except Exception:  # the next wake-up or sweep retries; the events stay committed
            log.exception("outbox relay pass failed")

    def _start_dirty(self) -> None:
        for key in list(self._dirty):
            if key in self._busy:
                continue  # its task picks the new events up when it finishes (see _done)
            batches = self._dirty.pop(key)
            task = asyncio.create_task(self._drain_one(key, batches))
            self._busy[key] = task
            task.add_done_callback(lambda t, k=key: self._done(k, t))  # type: ignore[misc]

    def _done(self, key: Key, task: asyncio.Task[int]) -> None:
        del self._busy[key]
        if not task.cancelled() and task.exception() is not None:
            # Still committed: read it back at the next wake-up (or the sweep recovers it).
            log.warning("outbox relay failed on a document", exc_info=task.exception())
            self._dirty[key] = None
        elif key in self._dirty:
            self._wake.set()

    async def _drain_one(self, key: Key, batches: list[list[Document]] | None) -> int:
        collection = self._collection(key[0])
        if collection is None:
            return 0
        async with self._slots:
            if batches:
                return await self._publish_batches(collection, key[1], batches)
            doc = await collection.find_one({"_id": key[1]}, {OUTBOX: 1, OUTBOX_LEASE: 1})
            if doc is None or not doc.get(OUTBOX):
                return 0
            if doc.get(OUTBOX_LEASE) is not None and doc[OUTBOX_LEASE] > _wall_now():
                return 0  # a sweeping replica has it; it publishes and removes
            return await self._publish_document(collection, doc)

    async def _publish_batches(
        self, collection: Collection, doc_id: str, batches: list[list[Document]]
    ) -> int:
        stored = [event for outbox in batches for event in outbox]
        await self._publish(stored)
        await self.acknowledge(collection, doc_id, stored)
        return len(stored)

    def _collection(self, name: str) -> Collection | None:
        return next((c for c in self.collections if c.name == name), None)

    async def drain(self) -> int:
        """Publish everything pending now, however recent; returns the number published."""
        return await self.sweep(grace=timedelta(0))

    async def sweep(self, grace: timedelta | None = None) -> int:
        """Recovery: publish what is pending and older than `grace` in every collection."""
        published = 0
        cutoff = self._clock.now() - (self._grace if grace is None else grace)
        for collection in self.collections:
            pending = await collection.find(
                {OUTBOX_PENDING: True}, {OUTBOX_SINCE: 1, OUTBOX_LEASE: 1, "outbox.time": 1}
            ).to_list()
            self._observe_backlog(collection, pending)
            for candidate in pending:
                since = candidate.get(OUTBOX_SINCE)
                if (since is not None and since > cutoff) or self._leased(candidate):
                    continue
                doc = await self._claim(collection, candidate["_id"])
                if doc is not None:  # else another relay instance got there first
                    published += await self._publish_document(collection, doc)
        return published

    def _leased(self, doc: Document) -> bool:
        lease = doc.get(OUTBOX_LEASE)
        return lease is not None and lease > _wall_now()

    async def _claim(self, collection: Collection, doc_id: str) -> Document | None:
        async with self._guard.hold(collection, doc_id):
            now = _wall_now()
            return await collection.find_one_and_update(
                # `_id` narrows it to one document on the server; the rest is checked on it.
                {"_id": doc_id, OUTBOX_PENDING: True, OUTBOX_LEASE: {"$not": {"$gt": now}}},
                {"$set": {OUTBOX_LEASE: now + self._lease}},
                return_document=ReturnDocument.AFTER,
            )

    async def _publish_document(self, collection: Collection, doc: Document) -> int:
        stored = doc.get(OUTBOX, [])
        await self._publish(stored)
        await self.acknowledge(collection, doc["_id"], stored)
        return len(stored)

    async def _publish(self, stored: list[Document]) -> None:
        for event in (Envelope.from_document(e) for e in stored):
            with tracing.continued(event.traceparent):  # the publish spans join its trace
                await self._publisher.publish(event)
            metrics.EVENTS_PUBLISHED.labels(self.service, event.topic, event.type).inc()
            delay = (self._clock.now() - event.time).total_seconds()
            metrics.OUTBOX_PUBLISH_DELAY.labels(self.service).observe(max(delay, 0.0))

    async def acknowledge(
        self, collection: Collection, doc_id: str, stored: list[Document]
    ) -> None:
        """Remove published events (as stored) and release the claim: when the outbox is
        exactly `stored`, empty it and clear its markers; else `$pullAll` them (newer events
        keep the markers for their own drain)."""
        async with self._guard.hold(collection, doc_id):
            done = await collection.update_one({"_id": doc_id, OUTBOX: stored}, _DONE)
            if done.matched_count or not stored:
                return
            await collection.update_one(
                {"_id": doc_id}, {"$pullAll": {OUTBOX: stored}, "$unset": {OUTBOX_LEASE: ""}}
            )

    def _observe_backlog(self, collection: Collection, pending: list[Document]) -> None:
        times = [e["time"] for doc in pending for e in doc.get(OUTBOX, []) if "time" in e]
        metrics.OUTBOX_PENDING.labels(self.service, collection.name).set(len(times))
        age = (self._clock.now() - min(times)).total_seconds() if times else 0.0
        metrics.OUTBOX_OLDEST_AGE.labels(self.service, collection.name).set(max(age, 0.0))
