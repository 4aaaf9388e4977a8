"""Timers: documents with a due time, claimed atomically so any number of replicas is safe.

A timer is a date field on an aggregate, scheduled and cleared by the aggregate's own versioned
write (`OutboxCollection`), which keeps the field's indexed pending flag in step and tells this
worker in-process: it waits on a heap of due times and asks the database nothing. The database
is asked only to claim a due document by `_id`, and by a recovery sweep (on start and every
`sweep_seconds`) by equality on the flag — never a range or sort over history.

Claiming pushes the due time a short lease (10 s, renewed while the handler runs) ahead under
the write guard; only the claimer runs the handler, which clears or reschedules the field. A
crashed handler fires again when the lease ends (docs/architecture.md, "Timers").
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import heapq
import itertools
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from pymongo import ReturnDocument

from stint.kit import metrics
from stint.kit.clock import Clock
from stint.kit.docguard import DocumentGuard, NoGuard
from stint.kit.errors import ConcurrencyConflict
from stint.kit.mongo import Document, IndexSpec, backfill_once, ensure_indexes
from stint.kit.outbox import OutboxCollection, due_marker

log = logging.getLogger(__name__)

TimerHandler = Callable[[Document], Awaitable[None]]


@dataclass(frozen=True)
class DueTimer:
    """Fire `handler` for each document of `collection` whose `due_field` is in the past."""

    name: str
    collection: OutboxCollection
    due_field: str
    handler: TimerHandler
    lease: timedelta = timedelta(seconds=10)

    @property
    def marker(self) -> str:
        return due_marker(self.due_field)

    def index(self) -> IndexSpec:
        return IndexSpec([(self.marker, 1)])


Key = tuple[int, str]  # (timer index, document id)


class TimerWorker:
    """Runs every timer; `run()` as a task, `fire_due()` for one full pass (tests, tools)."""

    def __init__(
        self,
        service: str,
        timers: Sequence[DueTimer],
        clock: Clock,
        *,
        poll_seconds: float = 1.0,
        sweep_seconds: float = 60.0,
        concurrency: int = 8,
        guard: DocumentGuard | None = None,
    ) -> None:
        self.service = service
        self._guard = guard or NoGuard()
        self.timers = list(timers)
        self._clock = clock
        self._poll_seconds = poll_seconds
        self._sweep_seconds = sweep_seconds
        self._slots = asyncio.Semaphore(concurrency)
        self._heap: list[tuple[datetime, int, Key]] = []
        self._due: dict[Key, datetime] = {}  # the latest known due time of each pending timer
        self._running: dict[str, asyncio.Task[bool]] = {}  # by document id
        self._seq = itertools.count()
        self._stop = asyncio.Event()
        self._wake = asyncio.Event()
        for i, timer in enumerate(self.timers):
            timer.collection.track_due(timer.due_field, functools.partial(self._scheduled, i))

    def _scheduled(self, timer: int, doc_id: str, due: datetime | None) -> None:
        """A write of this process set (or cleared) a due time."""
        key = (timer, doc_id)
        if due is None:
            self._due.pop(key, None)
            return
        self._due[key] = due
        heapq.heappush(self._heap, (due, next(self._seq), key))
        self._wake.set()

    async def ensure_indexes(self) -> None:
        for timer in self.timers:
            await ensure_indexes(timer.collection.collection, [timer.index()])
            # Documents written before the flag existed get it once (a one-off scan).
            await backfill_once(
                timer.collection.collection,
                f"due-marker/{timer.due_field}",
                {timer.due_field: {"$ne": None}, timer.marker: {"$exists": False}},
                {"$set": {timer.marker: True}},
            )

    async def run(self) -> None:
        loop = asyncio.get_running_loop()
        next_sweep = loop.time()
        while not self._stop.is_set():
            self._wake.clear()
            try:
                if loop.time() >= next_sweep:
                    next_sweep = loop.time() + self._sweep_seconds
                    await self.sweep()
                self._start_ready()
            except Exception:  # a database hiccup; the next pass tries again
                log.exception("timer pass failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self._poll_seconds)
        await asyncio.gather(*self._running.values(), return_exceptions=True)

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()

    async def fire_due(self) -> int:
        """Sweep, then claim and run every timer due now; returns how many handlers succeeded."""
        await self.sweep()
        started = self._start_ready()
        results = await asyncio.gather(*started)
        return sum(results)

    async def sweep(self) -> None:
        """Learn every pending timer from the database (indexed equality on its flag)."""
        for i, timer in enumerate(self.timers):
            docs = timer.collection.collection.find({timer.marker: True}, {timer.due_field: 1})
            async for doc in docs:
                due = doc.get(timer.due_field)
                if due is None:
                    continue  # cleared by a write that did not go through the kit: harmless
                if self._due.get((i, doc["_id"])) != due:
                    self._scheduled(i, doc["_id"], due)
        # Timers another replica cleared stay known here until due: then the claim fails and
        # `_resync` forgets them (cheaper than comparing sets, and safe against a local write
        # that lands while the sweep reads).

    def _start_ready(self) -> list[asyncio.Task[bool]]:
        now = self._clock.now()
        started, deferred = [], []
        while self._heap and self._heap[0][0] <= now and not self._stop.is_set():
            due, _, key = heapq.heappop(self._heap)
            if self._due.get(key) != due:
                continue  # rescheduled or cleared since it was pushed
            if key[1] in self._running:
                deferred.append((due, next(self._seq), key))  # one handler per document
                continue
            task = asyncio.create_task(self._claim_and_fire(key))
            self._running[key[1]] = task
            task.add_done_callback(functools.partial(self._finished, key[1]))
            started.append(task)
        for entry in deferred:
            heapq.heappush(self._heap, entry)
        return started

    def _finished(self, doc_id: str, _: asyncio.Task[bool]) -> None:
        self._running.pop(doc_id, None)
        self._wake.set()

    async def _claim_and_fire(self, key: Key) -> bool:
        timer = self.timers[key[0]]
        async with self._slots:
            held_until = await self._claim(timer, key[1])
            if held_until is None:  # another replica claimed it, or it moved: learn where it is
                await self._resync(key)
                return False
            doc, until = held_until
            # Stopped by an event, never cancelled: a cancel inside the guard's hold could leave
            # its lock behind (the release is a database write too).
            done = asyncio.Event()
            renewing = asyncio.create_task(self._renew(key, until, done))
            try:
                return await self._fire(timer, doc)
            finally:
                done.set()
                with contextlib.suppress(Exception):
                    await renewing

    async def _claim(self, timer: DueTimer, doc_id: str) -> tuple[Document, datetime] | None:
        now = self._clock.now()
        until = now + timer.lease
        collection = timer.collection.collection
        try:
            async with self._guard.hold(collection, doc_id):
                doc = await collection.find_one_and_update(
                    {"_id": doc_id, timer.due_field: {"$lte": now}},
                    {"$set": {timer.due_field: until}},
                    return_document=ReturnDocument.BEFORE,
                )
        except ConcurrencyConflict:  # another replica is claiming or renewing it right now
            return None
        if doc is None:
            return None
        # Fires again after the lease unless the handler clears or reschedules it.
        self._scheduled(self.timers.index(timer), doc_id, until)
        return doc, until

    async def _renew(self, key: Key, until: datetime, done: asyncio.Event) -> None:
        """Keep the claim while the handler runs; stop when it is `done`, or once the field holds
        anything else (the handler's own write cleared or moved it)."""
        timer = self.timers[key[0]]
        collection = timer.collection.collection
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(done.wait(), timer.lease.total_seconds() / 3)
            if done.is_set():
                return
            renewed = self._clock.now() + timer.lease
            try:
                async with self._guard.hold(collection, key[1]):
                    result = await collection.update_one(
                        {"_id": key[1], timer.due_field: until},
                        {"$set": {timer.due_field: renewed}},
                    )
            except ConcurrencyConflict:  # the handler is writing it: try again a bit later
                continue
            if result.matched_count == 0:
                return
            until = renewed
            self._scheduled(key[0], key[1], until)

    async def _resync(self, key: Key) -> None:
        timer = self.timers[key[0]]
        doc = await timer.collection.collection.find_one({"_id": key[1]}, {timer.due_field: 1})
        self._scheduled(key[0], key[1], (doc or {}).get(timer.due_field))

    async def _fire(self, timer: DueTimer, doc: Document) -> bool:
        try:
            await timer.handler(doc)
        except Exception:
            log.exception("timer handler failed", extra={"timer": timer.name, "doc": doc["_id"]})
            metrics.TIMERS_FIRED.labels(self.service, timer.name, "failed").inc()
            return False
        metrics.TIMERS_FIRED.labels(self.service, timer.name, "done").inc()
        return True
