"""The outbox relay: publishes events committed in aggregate outboxes, then removes them.

Order of work for one document: claim it (a short lease, so replicas do not publish the same
events at once), publish its pending events in order with an idempotent producer, then remove
exactly those events with `$pullAll` of the stored subdocuments (FerretDB ignores `$pull`
conditions on subdocuments; an exact-value `$pullAll` works on both servers). A crash between
publish and removal republishes on the next pass and consumers deduplicate by ce_id: nothing
is published that was not committed, nothing committed is lost.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Protocol

from pymongo import ReturnDocument

from stint.kit import metrics
from stint.kit.clock import Clock, SystemClock
from stint.kit.docguard import DocumentGuard, NoGuard
from stint.kit.envelope import Envelope
from stint.kit.mongo import Collection, Document
from stint.kit.outbox import OUTBOX, OUTBOX_LEASE, OUTBOX_SINCE

log = logging.getLogger(__name__)


def _wall_now() -> datetime:
    return SystemClock().now()


class EventPublisher(Protocol):
    async def publish(self, envelope: Envelope) -> None:
        """Publish one event and return once Kafka acknowledged it (acks=all)."""
        ...


class OutboxRelay:
    """Drains the outboxes of `collections`; `wake()` after a write, `run()` as a task."""

    MAX_CLAIMS_PER_PASS = 500

    def __init__(
        self,
        service: str,
        collections: Sequence[Collection],
        publisher: EventPublisher,
        clock: Clock,
        *,
        sweep_seconds: float = 5.0,
        lease_seconds: float = 30.0,
        guard: DocumentGuard | None = None,
    ) -> None:
        self.service = service
        self._guard = guard or NoGuard()
        self.collections = list(collections)
        self._publisher = publisher
        self._clock = clock
        self._sweep_seconds = sweep_seconds
        self._lease = timedelta(seconds=lease_seconds)
        self._wake = asyncio.Event()
        self._stopping = False

    def wake(self) -> None:
        """Ask for a pass now (called right after a write that enqueued events)."""
        self._wake.set()

    async def run(self) -> None:
        """Pass after every wake-up, and every `sweep_seconds` to recover crashed work; after
        `stop()`, one last pass so that a clean shutdown leaves nothing behind."""
        while not self._stopping:
            self._wake.clear()
            await self._pass()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self._sweep_seconds)
        await self._pass()

    def stop(self) -> None:
        """Ask `run()` to finish its current pass, make a last one and return."""
        self._stopping = True
        self._wake.set()

    async def _pass(self) -> None:
        try:
            await self.drain()
        except Exception:  # the next wake-up or sweep retries; the events stay committed
            log.exception("outbox relay pass failed")

    async def drain(self) -> int:
        """Publish everything pending now; returns the number of events published."""
        published = 0
        for collection in self.collections:
            # Bounded so one busy collection cannot starve the others or spin on a document
            # whose acknowledgement keeps failing; the next pass continues.
            for _ in range(self.MAX_CLAIMS_PER_PASS):
                candidate = await collection.find_one(
                    self._claimable(), sort=[(OUTBOX_SINCE, 1)], projection={"_id": 1}
                )
                if candidate is None:
                    break
                doc = await self._claim(collection, candidate["_id"])
                if doc is not None:  # else another relay instance got there first
                    published += await self._publish_document(collection, doc)
            await self._observe_backlog(collection)
        return published

    def _claimable(self) -> Document:
        # Leases are about real elapsed time (a crashed relay's claim runs out), so they use
        # the wall clock even when the service runs on a simulated one.
        return {OUTBOX_SINCE: {"$exists": True}, OUTBOX_LEASE: {"$not": {"$gt": _wall_now()}}}

    async def _claim(self, collection: Collection, doc_id: str) -> Document | None:
        async with self._guard.hold(collection, doc_id):
            return await collection.find_one_and_update(
                {"_id": doc_id, **self._claimable()},
                {"$set": {OUTBOX_LEASE: _wall_now() + self._lease}},
                return_document=ReturnDocument.AFTER,
            )

    async def _publish_document(self, collection: Collection, doc: Document) -> int:
        stored = doc.get(OUTBOX, [])
        events = [Envelope.from_document(e) for e in stored]
        for event in events:
            await self._publisher.publish(event)
            metrics.EVENTS_PUBLISHED.labels(self.service, event.topic, event.type).inc()
            delay = (self._clock.now() - event.time).total_seconds()
            metrics.OUTBOX_PUBLISH_DELAY.labels(self.service).observe(max(delay, 0.0))
        await self.acknowledge(collection, doc["_id"], stored)
        return len(events)

    async def acknowledge(
        self, collection: Collection, doc_id: str, stored: list[Document]
    ) -> None:
        """Remove published events (as stored) and release the claim; clear the marker once
        the outbox is empty."""
        async with self._guard.hold(collection, doc_id):
            await collection.update_one(
                {"_id": doc_id}, {"$pullAll": {OUTBOX: stored}, "$unset": {OUTBOX_LEASE: ""}}
            )
            # Conditional: an event committed after the claim keeps the marker set.
            await collection.update_one(
                {"_id": doc_id, OUTBOX: {"$size": 0}}, {"$unset": {OUTBOX_SINCE: ""}}
            )

    async def _observe_backlog(self, collection: Collection) -> None:
        pending = 0
        oldest = None
        async for doc in collection.find({OUTBOX_SINCE: {"$exists": True}}, {OUTBOX: 1}):
            for event in doc.get(OUTBOX, []):
                pending += 1
                oldest = event["time"] if oldest is None else min(oldest, event["time"])
        metrics.OUTBOX_PENDING.labels(self.service, collection.name).set(pending)
        age = (self._clock.now() - oldest).total_seconds() if oldest else 0.0
        metrics.OUTBOX_OLDEST_AGE.labels(self.service, collection.name).set(age)
