"""Timers: documents with a due time, claimed atomically so any number of replicas is safe.

A timer is a date field on a document (usually the aggregate itself, e.g. a posting's
``expires_at``), so scheduling or cancelling it is part of the aggregate's own versioned write.
The worker claims one due document at a time with `find_one_and_update` (under the document
guard, see `stint.kit.docguard`), pushing its due time forward by a lease; only the replica
whose update matched runs the handler. The handler must
clear or reschedule the field in its own write; if it crashes, the timer fires again when the
lease runs out (so handlers are idempotent, like event handlers).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta

from pymongo import ReturnDocument

from stint.kit import metrics
from stint.kit.clock import Clock
from stint.kit.docguard import DocumentGuard, NoGuard
from stint.kit.mongo import Collection, Document, IndexSpec, ensure_indexes

log = logging.getLogger(__name__)

TimerHandler = Callable[[Document], Awaitable[None]]


@dataclass(frozen=True)
class DueTimer:
    """Fire `handler` for each document of `collection` whose `due_field` is in the past."""

    name: str
    collection: Collection
    due_field: str
    handler: TimerHandler
    lease: timedelta = timedelta(seconds=60)

    def index(self) -> IndexSpec:
        return IndexSpec([(self.due_field, 1)])


class TimerWorker:
    """Polls every timer; `run()` as a task, `fire_due()` for one pass (tests, admin tools)."""

    MAX_PER_PASS = 200

    def __init__(
        self,
        service: str,
        timers: Sequence[DueTimer],
        clock: Clock,
        *,
        poll_seconds: float = 1.0,
        guard: DocumentGuard | None = None,
    ) -> None:
        self.service = service
        self._guard = guard or NoGuard()
        self.timers = list(timers)
        self._clock = clock
        self._poll_seconds = poll_seconds
        self._stop = asyncio.Event()

    async def ensure_indexes(self) -> None:
        for timer in self.timers:
            await ensure_indexes(timer.collection, [timer.index()])

    async def run(self) -> None:
        while not self._stop.is_set():
            try:
                await self.fire_due()
            except Exception:  # a database hiccup; the next poll tries again
                log.exception("timer pass failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stop.wait(), self._poll_seconds)

    def stop(self) -> None:
        self._stop.set()

    async def fire_due(self) -> int:
        """Claim and run every timer due now; returns how many handlers succeeded."""
        done = 0
        for timer in self.timers:
            for _ in range(self.MAX_PER_PASS):
                if self._stop.is_set():
                    return done
                due = {timer.due_field: {"$lte": self._clock.now()}}
                candidate = await timer.collection.find_one(
                    due, sort=[(timer.due_field, 1)], projection={"_id": 1}
                )
                if candidate is None:
                    break
                doc = await self._claim(timer, candidate["_id"])
                if doc is not None:  # else another replica claimed it first
                    done += await self._fire(timer, doc)
        return done

    async def _claim(self, timer: DueTimer, doc_id: str) -> Document | None:
        now = self._clock.now()
        async with self._guard.hold(timer.collection, doc_id):
            return await timer.collection.find_one_and_update(
                {"_id": doc_id, timer.due_field: {"$lte": now}},
                {"$set": {timer.due_field: now + timer.lease}},
                return_document=ReturnDocument.BEFORE,
            )

    async def _fire(self, timer: DueTimer, doc: Document) -> int:
        try:
            await timer.handler(doc)
        except Exception:
            log.exception("timer handler failed", extra={"timer": timer.name, "doc": doc["_id"]})
            metrics.TIMERS_FIRED.labels(self.service, timer.name, "failed").inc()
            return 0
        metrics.TIMERS_FIRED.labels(self.service, timer.name, "done").inc()
        return 1
