"""Aggregate documents that carry their own pending events: the single-document outbox.

A state change and the events it produces are one single-document update, guarded by the
aggregate's `version` (design.md §5). The relay (`stint.kit.relay`) publishes the pending
events and `$pull`s them. Field names owned here, never by a service's state:

- ``version``: optimistic concurrency counter, 1 on insert, +1 on each change.
- ``outbox``: pending events (`Envelope.to_document()`), oldest first.
- ``outbox_since``: set while events may be pending: when the oldest of them was committed.
- ``outbox_pending``: ``true`` while events may be pending (indexed; the relay's recovery
  sweep finds pending documents by equality, which FerretDB pushes down to its backend, where
  `$exists` or a range would scan every document the service ever stored).
- ``outbox_lease``: a relay instance's claim on the document while it publishes.
- ``<due field>_pending``: ``true`` while a timer's due field (`stint.kit.timers`) is set; kept
  in step by every write here, for the same reason as ``outbox_pending``.
- ``applied_events``: recent ids of consumed events already applied (idempotent consumers).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from pymongo.errors import DuplicateKeyError

from stint.kit.clock import Clock
from stint.kit.docguard import DocumentGuard
from stint.kit.envelope import Envelope
from stint.kit.errors import AlreadyExists, ConcurrencyConflict
from stint.kit.mongo import Collection, Document, IndexSpec, backfill_once, ensure_indexes

VERSION = "version"
OUTBOX = "outbox"
OUTBOX_SINCE = "outbox_since"
OUTBOX_PENDING = "outbox_pending"
OUTBOX_LEASE = "outbox_lease"
APPLIED_EVENTS = "applied_events"
RESERVED = frozenset(
    {"_id", VERSION, OUTBOX, OUTBOX_SINCE, OUTBOX_PENDING, OUTBOX_LEASE, APPLIED_EVENTS}
)
# How many consumed event ids an aggregate remembers; redeliveries arrive within minutes, and
# older duplicates are caught by the handlers' state guards.
APPLIED_EVENTS_KEPT = 200

OUTBOX_INDEXES = (IndexSpec([(OUTBOX_PENDING, 1)], name="outbox_pending"),)

# Called after a commit that enqueued events: (collection name, document id, and the
# document's whole outbox as stored when it is known exactly, else None).
CommitHook = Callable[[str, str, list[Document] | None], None]
# How many documents' "outbox empty at version v" are remembered (see `OutboxCollection.get`).
CLEAN_REMEMBERED = 10_000
# Called after a commit that set or cleared a tracked due field: (document id, due or None).
DueHook = Callable[[str, datetime | None], None]


def due_marker(field: str) -> str:
    """The indexed flag that is true while the due field `field` is set."""
    return f"{field}_pending"


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

    `on_commit` is called with (collection, id) after every write that enqueued events (the
    relay's `wake`), so events leave within milliseconds rather than at the next sweep.
    `guard` serializes writes to one document where the server's filtered updates are not
    atomic (`stint.kit.docguard`); `NoGuard()` only where the server is known to be MongoDB.
    Timers register their due fields with `track_due`: each write keeps the field's pending
    marker in step and tells the timer worker in-process.
    """

    def __init__(
        self,
        collection: Collection,
        clock: Clock,
        *,
        guard: DocumentGuard,
        on_commit: CommitHook | None = None,
    ) -> None:
        self.collection = collection
        # Required: on FerretDB a versioned write without it is not atomic (docguard). The
        # composition root gets the right one from `stint.kit.bootstrap.connect`.
        self.guard = guard
        self._clock = clock
        self._on_commit = on_commit
        self._due: dict[str, list[DueHook]] = {}
        # Documents last read or written here with an empty outbox, and at which version. A
        # write at that version then leaves exactly its own events in the outbox, so the
        # relay can publish them from memory instead of reading the document back.
        self._clean: OrderedDict[str, int] = OrderedDict()

    def track_due(self, field: str, hook: DueHook) -> None:
        """Maintain `due_marker(field)` on every write and call `hook` when `field` changes."""
        self._due.setdefault(field, []).append(hook)

    @property
    def due_fields(self) -> list[str]:
        return list(self._due)

    @property
    def name(self) -> str:
        return self.collection.name

    async def ensure_indexes(self, specs: Sequence[IndexSpec] = ()) -> None:
        await ensure_indexes(self.collection, [*OUTBOX_INDEXES, *specs])
        # Documents stored before `outbox_pending` existed get it once (a one-off scan).
        await backfill_once(
            self.collection,
            "outbox-pending",
            {OUTBOX_SINCE: {"$exists": True}, OUTBOX_PENDING: {"$exists": False}},
            {"$set": {OUTBOX_PENDING: True}},
        )

    async def get(self, doc_id: str) -> Document | None:
        doc = await self.collection.find_one({"_id": doc_id})
        if doc is not None and not doc.get(OUTBOX):
            self._remember_clean(doc_id, doc.get(VERSION))
        return doc

    def _remember_clean(self, doc_id: str, version: object) -> None:
        if not isinstance(version, int):
            return
        self._clean[doc_id] = version
        self._clean.move_to_end(doc_id)
        while len(self._clean) > CLEAN_REMEMBERED:
            self._clean.popitem(last=False)

    async def insert(
        self, doc: Mapping[str, Any], events: Sequence[Envelope] = (), *, applied_event: str = ""
    ) -> None:
        """Insert a new aggregate at version 1 with its first events.

        Raises AlreadyExists on a duplicate `_id` or unique key; with a deterministic id that
        is how a consumer learns that a redelivered event was already applied.
        """
        self._check_state(doc, allow_id=True)
        new = {**doc, VERSION: 1, OUTBOX: [e.to_document() for e in events]}
        if events:
            new[OUTBOX_SINCE] = self._clock.now()
            new[OUTBOX_PENDING] = True
        if applied_event:
            new[APPLIED_EVENTS] = [applied_event]
        due = {f: doc[f] for f in self._due if doc.get(f) is not None}
        new |= {due_marker(f): True for f in due}
        try:
            await self.collection.insert_one(new)
        except DuplicateKeyError as exc:
            raise AlreadyExists(f"{self.name} {doc.get('_id')} already exists") from exc
        self._committed(str(doc["_id"]), 1, new[OUTBOX], True, due)

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
        self._check_state({**changes, **dict.fromkeys(unset)})
        due = {f: changes.get(f) for f in self._due if f in changes or f in unset}
        markers_set = {due_marker(f): True for f, at in due.items() if at is not None}
        markers_unset = [due_marker(f) for f, at in due.items() if at is None]
        update: dict[str, Any] = {"$set": {**changes, **markers_set, VERSION: expected_version + 1}}
        if applied_events is not None:
            update["$set"][APPLIED_EVENTS] = applied_events
        if unset or markers_unset:
            update["$unset"] = dict.fromkeys([*unset, *markers_unset], "")
        if events:
            update["$set"][OUTBOX_PENDING] = True
            update["$push"] = {OUTBOX: {"$each": [e.to_document() for e in events]}}
            update["$min"] = {OUTBOX_SINCE: self._clock.now()}
        was_clean = self._clean.pop(doc_id, None) == expected_version
        async with self.guard.hold(self.collection, doc_id):
            guarded = {"_id": doc_id, VERSION: expected_version}
            result = await self.collection.update_one(guarded, update)
        if result.matched_count != 1:
            raise ConcurrencyConflict(
                f"{self.name} {doc_id} changed since version {expected_version}"
            )
        new_version = expected_version + 1
        stored = update["$push"][OUTBOX]["$each"] if events else []
        self._committed(doc_id, new_version, stored, was_clean, due)
        return new_version

    def _committed(
        self,
        doc_id: str,
        version: int,
        added: list[Document],
        was_clean: bool,
        due: Mapping[str, datetime | None],
    ) -> None:
        """Tell the relay of new events (with the whole outbox when it is known exactly: it
        was empty before this write) and the timers of changed due times."""
        if not added:
            if was_clean:
                self._remember_clean(doc_id, version)
        elif self._on_commit is not None:
            self._on_commit(self.name, doc_id, added if was_clean else None)
        for field, at in due.items():
            for hook in self._due[field]:
                hook(doc_id, at)

    def _check_state(self, fields: Mapping[str, Any], *, allow_id: bool = False) -> None:
        owned = RESERVED | {due_marker(f) for f in self._due}
        reserved = set(fields) & (owned - ({"_id"} if allow_id else set()))
        if reserved:
            # A programming error, not a caller's: state must never overwrite kit-owned fields.
            raise ValueError(f"fields reserved for the outbox: {sorted(reserved)}")
