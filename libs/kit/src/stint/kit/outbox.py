"""Aggregate documents that carry their own pending events: the single-document outbox.

A state change and the events it produces are one single-document update, guarded by the
aggregate's `version` (design.md §5). The relay (`stint.kit.relay`) publishes the pending
events and `$pull`s them. Field names owned here, never by a service's state:

- ``version``: optimistic concurrency counter, 1 on insert, +1 on each change.
- ``outbox``: pending events (`Envelope.to_document()`), oldest first.
- ``outbox_since``: set while events may be pending (indexed; the relay's work queue).
- ``outbox_lease``: a relay instance's claim on the document while it publishes.
- ``applied_events``: recent ids of consumed events already applied (idempotent consumers).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from pymongo.errors import DuplicateKeyError

from stint.kit.clock import Clock
from stint.kit.docguard import DocumentGuard, NoGuard
from stint.kit.envelope import Envelope
from stint.kit.errors import AlreadyExists, ConcurrencyConflict
from stint.kit.mongo import Collection, Document, IndexSpec, ensure_indexes

VERSION = "version"
OUTBOX = "outbox"
OUTBOX_SINCE = "outbox_since"
OUTBOX_LEASE = "outbox_lease"
APPLIED_EVENTS = "applied_events"
RESERVED = frozenset({"_id", VERSION, OUTBOX, OUTBOX_SINCE, OUTBOX_LEASE, APPLIED_EVENTS})
# How many consumed event ids an aggregate remembers; redeliveries arrive within minutes, and
# older duplicates are caught by the handlers' state guards.
APPLIED_EVENTS_KEPT = 200

OUTBOX_INDEXES = (IndexSpec([(OUTBOX_SINCE, 1)], name="outbox_since"),)


def already_applied(doc: Mapping[str, Any], event_id: str) -> bool:
    """Whether a consumed event (its ce_id) has already changed this document."""
    return event_id in doc.get(APPLIED_EVENTS, ())


def remember_applied(doc: Mapping[str, Any], event_id: str) -> list[str]:
    """The document's applied-event ids with `event_id` added, oldest dropped past the bound.

    Computed here rather than with `$push`/`$slice` (which FerretDB ignores); the version
    guard of the write makes it just as atomic.
    """
    return [*doc.get(APPLIED_EVENTS, ()), event_id][-APPLIED_EVENTS_KEPT:]


class OutboxCollection:
    """A collection of versioned aggregates whose writes enqueue events atomically.

    `on_commit` is called after every write that enqueued events (the relay's `wake`), so
    events leave within milliseconds rather than at the next sweep. `guard` serializes writes
    to one document where the server's filtered updates are not atomic (`stint.kit.docguard`).
    """

    def __init__(
        self,
        collection: Collection,
        clock: Clock,
        on_commit: Callable[[], None] | None = None,
        guard: DocumentGuard | None = None,
    ) -> None:
        self.collection = collection
        self.guard = guard or NoGuard()
        self._clock = clock
        self._on_commit = on_commit

    @property
    def name(self) -> str:
        return self.collection.name

    async def ensure_indexes(self, specs: Sequence[IndexSpec] = ()) -> None:
        await ensure_indexes(self.collection, [*OUTBOX_INDEXES, *specs])

    async def get(self, doc_id: str) -> Document | None:
        return await self.collection.find_one({"_id": doc_id})

    async def insert(
        self, doc: Mapping[str, Any], events: Sequence[Envelope] = (), *, applied_event: str = ""
    ) -> None:
        """Insert a new aggregate at version 1 with its first events.

        Raises AlreadyExists on a duplicate `_id` or unique key; with a deterministic id that
        is how a consumer learns that a redelivered event was already applied.
        """
        _check_state(doc, allow_id=True)
        new = {**doc, VERSION: 1, OUTBOX: [e.to_document() for e in events]}
        if events:
            new[OUTBOX_SINCE] = self._clock.now()
        if applied_event:
            new[APPLIED_EVENTS] = [applied_event]
        try:
            await self.collection.insert_one(new)
        except DuplicateKeyError as exc:
            raise AlreadyExists(f"{self.name} {doc.get('_id')} already exists") from exc
        self._committed(events)

    async def update(
        self,
        doc_id: str,
        expected_version: int,
        changes: Mapping[str, Any],
        events: Sequence[Envelope] = (),
        *,
        unset: Iterable[str] = (),
        applied_events: list[str] | None = None,
    ) -> int:
        """Apply `changes` ($set) and `unset`, enqueue `events`, bump the version; one write.

        A consumer passes `applied_events=remember_applied(doc, envelope.id)` so that the
        event's effect and the record of having applied it are the same write.

        Raises ConcurrencyConflict when the document is missing or no longer at
        `expected_version` (someone else changed it first; reload and decide again).
        Returns the new version.
        """
        unset = list(unset)
        _check_state({**changes, **dict.fromkeys(unset)})
        update: dict[str, Any] = {"$set": {**changes, VERSION: expected_version + 1}}
        if applied_events is not None:
            update["$set"][APPLIED_EVENTS] = applied_events
        if unset:
            update["$unset"] = dict.fromkeys(unset, "")
        if events:
            update["$push"] = {OUTBOX: {"$each": [e.to_document() for e in events]}}
            update["$min"] = {OUTBOX_SINCE: self._clock.now()}
        async with self.guard.hold(self.collection, doc_id):
            guarded = {"_id": doc_id, VERSION: expected_version}
            result = await self.collection.update_one(guarded, update)
        if result.matched_count != 1:
            raise ConcurrencyConflict(
                f"{self.name} {doc_id} changed since version {expected_version}"
            )
        self._committed(events)
        return expected_version + 1

    def _committed(self, events: Sequence[Envelope]) -> None:
        if events and self._on_commit is not None:
            self._on_commit()


def _check_state(fields: Mapping[str, Any], *, allow_id: bool = False) -> None:
    reserved = set(fields) & (RESERVED - ({"_id"} if allow_id else set()))
    if reserved:
        # A programming error, not a caller's: state must never overwrite kit-owned fields.
        raise ValueError(f"fields reserved for the outbox: {sorted(reserved)}")
