"""Saved searches in MongoDB (collection `saved_searches`, `srch_…`), through the kit's outbox.

An alert (SavedSearchMatched) and the record of having alerted for that posting are one write
to the search's document, so each (search, posting) alerts once. What the lookups need is
indexed equality only: `student_id` (a student's own, at most 20), `match_keys` (the searches
a new posting may match, `domain.saved_search.match_keys`) and the unique (`student_id`,
`slot`) that holds the bound of 20 searches per student under concurrent creates.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from postings.adapters.saved_search_wire import matched_out
from postings.domain.model import Posting
from postings.domain.saved_search import SavedSearch, SearchFilters, match_keys
from postings.domain.values import Category
from stint.kit.actor import Cause
from stint.kit.envelope import EventFactory
from stint.kit.errors import ConcurrencyConflict
from stint.kit.money import Money
from stint.kit.mongo import Document, IndexSpec
from stint.kit.outbox import OutboxCollection
from stint.kit.paging import Page, PageRequest

MATCH_KEYS = "match_keys"
INDEXES = (
    IndexSpec([("student_id", 1)]),
    IndexSpec([("student_id", 1), ("slot", 1)], unique=True),
    IndexSpec([(MATCH_KEYS, 1)]),
)


class SavedSearchRepository:
    def __init__(self, searches: OutboxCollection, events: EventFactory) -> None:
        self._searches = searches
        self._events = events

    async def ensure_indexes(self) -> None:
        await self._searches.ensure_indexes(INDEXES)

    async def load(self, search_id: str) -> SavedSearch | None:
        doc = await self._searches.get(search_id)
        return None if doc is None else from_document(doc)

    async def of_student(self, student_id: str) -> list[SavedSearch]:
        """Every search of a student (at most 20), newest first."""
        cursor = self._searches.collection.find({"student_id": student_id})
        found = [from_document(doc) async for doc in cursor]
        return sorted(found, key=lambda s: s.id, reverse=True)

    async def page(self, student_id: str, request: PageRequest) -> Page[SavedSearch]:
        """One page of a student's searches, newest first (the page is cut from the ≤ 20)."""
        rows = [
            s
            for s in await self.of_student(student_id)
            if not request.after or s.id < request.after
        ]
        return Page.of(rows[: request.limit], request, lambda s: s.id)

    async def add(self, search: SavedSearch) -> SavedSearch:
        """Insert a new search (version 1); AlreadyExists when its slot was taken meanwhile."""
        await self._searches.insert(to_document(search))
        return replace(search, version=1)

    async def delete(self, search: SavedSearch) -> None:
        """Remove a search; alerts not yet relayed are dropped with it (it alerts no more).
        ConcurrencyConflict when it changed since it was loaded."""
        guarded = {"_id": search.id, "version": search.version}
        async with self._searches.guard.hold(self._searches.collection, search.id):
            result = await self._searches.collection.delete_one(guarded)
        if result.deleted_count != 1:
            raise ConcurrencyConflict(f"saved search {search.id} changed")

    async def candidates(self, keys: Sequence[str]) -> list[SavedSearch]:
        """The searches keyed by any of `keys`: one indexed-equality lookup per key (a
        posting has at most 15 skills and one category), each search once."""
        found: dict[str, SavedSearch] = {}
        for key in dict.fromkeys(keys):
            async for doc in self._searches.collection.find({MATCH_KEYS: key}):
                found.setdefault(doc["_id"], from_document(doc))
        return list(found.values())

    async def alerted(
        self,
        before: SavedSearch,
        after: SavedSearch,
        posting: Posting,
        skills: Sequence[str],
        cause: Cause,
    ) -> None:
        """Record the alert for `posting` and enqueue its SavedSearchMatched, in one write."""
        envelope = self._events(matched_out(after, posting, skills, cause), after.id)
        await self._searches.update(
            after.id, before.version, {"alerted": list(after.alerted)}, [envelope]
        )


def to_document(s: SavedSearch) -> Document:
    f = s.filters
    return {
        "_id": s.id,
        "student_id": s.student_id,
        "university_id": s.university_id,
        "slot": s.slot,
        "name": f.name,
        "words": list(f.words),
        "skills": list(f.skills),
        "category": f.category.value if f.category else None,
        "fee_min": (
            {"amount_minor": f.fee_min.amount_minor, "currency": f.fee_min.currency}
            if f.fee_min
            else None
        ),
        MATCH_KEYS: list(match_keys(f)),
        "alerted": list(s.alerted),
        "created_at": s.created_at,
    }


def from_document(d: Document) -> SavedSearch:
    fee = d.get("fee_min")
    category = d.get("category")
    filters = SearchFilters(
        name=d["name"],
        words=tuple(d.get("words", [])),
        skills=tuple(d.get("skills", [])),
        category=Category(category) if category else None,
        fee_min=Money(fee["amount_minor"], fee["currency"]) if fee else None,
    )
    return SavedSearch(
        id=d["_id"],
        student_id=d["student_id"],
        university_id=d.get("university_id", ""),
        filters=filters,
        created_at=d["created_at"],
        slot=d.get("slot", 0),
        alerted=tuple(d.get("alerted", [])),
        version=d["version"],
    )
