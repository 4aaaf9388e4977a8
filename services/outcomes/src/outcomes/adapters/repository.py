"""The only module that touches MongoDB: the read model's facts, one collection per kind.

Every write goes through `OutboxCollection` (version check, the FerretDB write guard) with the
consumed event's ce_id remembered in the same write. A report reads one university's facts by
indexed equality on `university_id` (and `sponsor_university_id`), and the postings they refer
to by `_id`: never a scan of all history.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from typing import Any, Generic, TypeVar

from outcomes.adapters import documents
from outcomes.adapters.documents import Fact
from outcomes.domain.facts import Facts, PostingInfo
from stint.kit.errors import AlreadyExists, ConcurrencyConflict
from stint.kit.mongo import IndexSpec
from stint.kit.outbox import OutboxCollection, already_applied, remember_applied

F = TypeVar("F", bound=Fact)
BY_UNIVERSITY = (IndexSpec([("university_id", 1)], name="university_id"),)
BY_SPONSOR = (IndexSpec([("sponsor_university_id", 1)], name="sponsor_university_id"),)
# How many posting lookups run at once.
LOOKUP_BATCH = 20


class FactCollection(Generic[F]):
    """Facts of one kind by id; `change` is the load-decide-save of one consumed event."""

    def __init__(
        self,
        collection: OutboxCollection,
        decode: Callable[[Mapping[str, Any]], F],
        indexes: tuple[IndexSpec, ...] = (),
    ) -> None:
        self.collection = collection
        self._decode = decode
        self._indexes = indexes

    async def ensure_indexes(self) -> None:
        await self.collection.ensure_indexes(self._indexes)

    async def get(self, fact_id: str) -> F | None:
        doc = await self.collection.get(fact_id)
        return self._decode(doc) if doc else None

    async def change(
        self, fact_id: str, event_id: str, decide: Callable[[F | None], F | None]
    ) -> bool:
        doc = await self.collection.get(fact_id)
        if doc is not None and already_applied(doc, event_id):
            return False
        new = decide(self._decode(doc) if doc else None)
        if new is None:
            return False
        state = documents.to_document(new)
        if doc is None:
            try:
                await self.collection.insert({"_id": fact_id, **state}, applied_event=event_id)
            except AlreadyExists as exc:  # another writer inserted it first: decide again
                raise ConcurrencyConflict(f"{self.collection.name} {fact_id} appeared") from exc
            return True
        await self.collection.update(
            fact_id, int(doc["version"]), state, applied_events=remember_applied(doc, event_id)
        )
        return True

    async def by(self, field: str, value: str) -> list[F]:
        cursor = self.collection.collection.find({field: str(value)})
        return [self._decode(doc) async for doc in cursor]


class FactRepository:
    """The four kinds of facts, and the reads a report makes of them."""

    def __init__(
        self,
        postings: OutboxCollection,
        approvals: OutboxCollection,
        applied: OutboxCollection,
        engagements: OutboxCollection,
    ) -> None:
        self.postings = FactCollection(postings, documents.posting_info)
        self.approvals = FactCollection(approvals, documents.approval, BY_UNIVERSITY)
        self.applied = FactCollection(applied, documents.applied, BY_UNIVERSITY)
        self.engagements = FactCollection(
            engagements, documents.engagement, BY_UNIVERSITY + BY_SPONSOR
        )

    async def ensure_indexes(self) -> None:
        for c in (self.postings, self.approvals, self.applied, self.engagements):
            await c.ensure_indexes()

    async def facts_for(self, university_id: str) -> Facts:
        applied = await self.applied.by("university_id", university_id)
        return Facts(
            approvals=await self.approvals.by("university_id", university_id),
            applied=applied,
            engagements=await self.engagements.by("university_id", university_id),
            sponsored=await self.engagements.by("sponsor_university_id", university_id),
            postings=await self._postings({a.posting_id for a in applied if not a.category}),
        )

    async def _postings(self, ids: set[str]) -> dict[str, PostingInfo]:
        """By `_id`, one lookup each (what FerretDB pushes down; `$in` may not be): only the
        few postings an application was recorded without (consumed before the posting)."""
        found: dict[str, PostingInfo] = {}
        ordered = sorted(ids)
        for i in range(0, len(ordered), LOOKUP_BATCH):
            batch = ordered[i : i + LOOKUP_BATCH]
            for info in await asyncio.gather(*(self.postings.get(p) for p in batch)):
                if info is not None:
                    found[info.posting_id] = info
        return found
