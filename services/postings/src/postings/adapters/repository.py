"""The only module that touches MongoDB: postings as documents, through the kit's outbox.

A posting document holds the aggregate's state, the expiry timer's due field (`expires_at`,
derived from the state on every write), denormalized lists for indexed visibility queries
(`university_ids`, `approved_university_ids`, `published`), and the kit-owned outbox fields.
The domain events of a write become its envelopes here, through `wire`, each carrying the
posting as saved.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from functools import partial
from typing import Any

from postings import metrics
from postings.adapters import wire
from postings.adapters.documents import from_document, to_document
from postings.domain.access import Scope, ScopeKind
from postings.domain.commands import ListQuery, Order
from postings.domain.events import DomainEvent
from postings.domain.model import Posting
from postings.domain.moderation import in_queue
from postings.domain.values import Decision, Visibility
from postings.handlers.ports import Loaded
from stint.kit.actor import Cause
from stint.kit.envelope import EventFactory
from stint.kit.errors import InvalidArgument
from stint.kit.mongo import Document, IndexSpec
from stint.kit.outbox import APPLIED_EVENTS, OutboxCollection, remember_applied
from stint.kit.paging import Page, PageRequest

EXPIRES_AT = "expires_at"
# The review queue (`moderation.in_queue`): present and true only while an admin must decide,
# so the queue is an indexed-equality lookup; ordered by when it entered the queue.
REVIEW_QUEUE, REVIEW_SINCE = "review_queue", "review_since"
INDEXES = (
    IndexSpec([(REVIEW_QUEUE, 1)]),
    IndexSpec([("company_id", 1), ("_id", -1)]),
    IndexSpec([("status", 1), ("_id", -1)]),
    IndexSpec([("application_deadline", 1), ("_id", 1)]),
    IndexSpec([("university_ids", 1)]),
)


class PostingRepository:
    def __init__(self, postings: OutboxCollection, events: EventFactory) -> None:
        self._postings = postings
        self._events = events

    async def ensure_indexes(self) -> None:
        await self._postings.ensure_indexes(INDEXES)

    async def load(self, posting_id: str) -> Loaded | None:
        doc = await self._postings.get(posting_id)
        if doc is None:
            return None
        return Loaded(from_document(doc), tuple(doc.get(APPLIED_EVENTS, ())))

    async def add(self, posting: Posting, events: Sequence[DomainEvent], cause: Cause) -> Posting:
        """Insert a new posting (version 1) with its events."""
        posting = replace(posting, version=1)
        await self._postings.insert(
            _state(posting), wire.envelopes(self._events, posting, events, cause)
        )
        _count(events)
        return posting

    async def save(
        self,
        before: Loaded,
        after: Posting,
        events: Sequence[DomainEvent],
        cause: Cause,
        applied: str = "",
    ) -> Posting:
        """One versioned write of the new state, its events and (for a consumer) the id of
        the event applied. Raises ConcurrencyConflict when someone else wrote first."""
        after = replace(after, version=before.posting.version + 1)
        state = _state(after)
        del state["_id"]  # the kit filters on it; it never changes
        unset = [f for f in (EXPIRES_AT, REVIEW_QUEUE, REVIEW_SINCE) if f not in state]
        applied_events = (
            remember_applied({APPLIED_EVENTS: list(before.applied_events)}, applied)
            if applied
            else None
        )
        version = await self._postings.update(
            after.id,
            before.posting.version,
            state,
            wire.envelopes(self._events, after, events, cause),
            unset=unset,
            applied_events=applied_events,
        )
        _count(events)
        return replace(after, version=version)

    async def page(self, scope: Scope, query: ListQuery, request: PageRequest) -> Page[Posting]:
        """One page of the postings in `scope` matching `query`: newest first (by id), or
        soonest deadline first (ties by id); the next page starts after the last one's key."""
        conditions = [*_scope_filter(scope), *_query_filter(query)]
        if query.order is Order.NEWEST:
            sort = [("_id", -1)]
        else:
            sort = [("application_deadline", 1), ("_id", 1)]
        if request.after:
            conditions.append(_after(query.order, request.after))
        mongo_filter = {"$and": conditions} if conditions else {}
        cursor = self._postings.collection.find(mongo_filter, sort=sort, limit=request.limit)
        rows = [from_document(doc) async for doc in cursor]
        return Page.of(rows, request, partial(_position, query.order))

    async def review_queue(self, request: PageRequest) -> Page[Posting]:
        """One page of the review queue, oldest entry first (ties by id). The filter is a
        top-level equality on the indexed marker, so only queued postings are read."""
        query: dict[str, Any] = {REVIEW_QUEUE: True}
        if request.after:
            since, _, after_id = request.after.partition(_SEP)
            try:
                at = datetime.fromisoformat(since)
            except ValueError as exc:
                raise InvalidArgument.of(
                    "page.page_token", "is not a token from this list"
                ) from exc
            query["$or"] = [
                {REVIEW_SINCE: {"$gt": at}},
                {REVIEW_SINCE: at, "_id": {"$gt": after_id}},
            ]
        cursor = self._postings.collection.find(
            query, sort=[(REVIEW_SINCE, 1), ("_id", 1)], limit=request.limit
        )
        rows = [from_document(doc) async for doc in cursor]
        return Page.of(rows, request, _queue_position)


def _queue_position(last: Posting) -> str:
    since = (last.review.submitted_at if last.review else None) or last.updated_at
    return f"{since.isoformat()}{_SEP}{last.id}"


def _count(events: Sequence[DomainEvent]) -> None:
    for event in events:
        metrics.POSTING_EVENTS.labels(event.kind.value).inc()


def _state(posting: Posting) -> Document:
    """The document fields for `posting` (no kit-owned fields; version is the kit's)."""
    doc = to_document(posting)
    doc.pop("version", None)
    if posting.expires_at is not None:
        doc[EXPIRES_AT] = posting.expires_at
    if in_queue(posting) and posting.review is not None:
        doc[REVIEW_QUEUE] = True
        doc[REVIEW_SINCE] = posting.review.submitted_at or posting.updated_at
    doc["published"] = posting.published_at is not None
    doc["university_ids"] = [t.university_id for t in posting.universities]
    doc["approved_university_ids"] = [
        t.university_id for t in posting.universities if t.decision is Decision.APPROVED
    ]
    return doc


def _scope_filter(scope: Scope) -> list[dict[str, Any]]:
    if scope.kind is ScopeKind.ALL:
        return []
    if scope.kind is ScopeKind.COMPANY:
        return [{"company_id": scope.org}]
    if scope.kind is ScopeKind.UNIVERSITY:
        return [{"published": True}, {"university_ids": scope.org}]
    public = {"visibility": Visibility.PUBLIC.value}
    if not scope.org:
        return [{"published": True}, public]
    return [{"published": True}, {"$or": [public, {"approved_university_ids": scope.org}]}]


def _query_filter(query: ListQuery) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    if query.statuses:
        found.append({"status": {"$in": [s.value for s in query.statuses]}})
    if query.categories:
        found.append({"category": {"$in": [c.value for c in query.categories]}})
    if query.skills:
        found.append({"skills": {"$all" if query.match_all_skills else "$in": list(query.skills)}})
    if query.company_id:
        found.append({"company_id": query.company_id})
    fee = query.fee_min or query.fee_max
    if fee is not None:
        amount: dict[str, int] = {}
        if query.fee_min is not None:
            amount["$gte"] = query.fee_min.amount_minor
        if query.fee_max is not None:
            amount["$lte"] = query.fee_max.amount_minor
        found.append({"fee.currency": fee.currency, "fee.amount_minor": amount})
    hours: dict[str, int] = {}
    if query.hours_min:
        hours["$gte"] = query.hours_min
    if query.hours_max:
        hours["$lte"] = query.hours_max
    if hours:
        found.append({"estimated_hours": hours})
    for word in query.words:  # escaped: user text never becomes a pattern or an operator
        pattern = {"$regex": re.escape(word), "$options": "i"}
        found.append({"$or": [{"title": pattern}, {"summary": pattern}, {"description": pattern}]})
    return found


# A position is the sort key of the last posting of a page, bound to the list's order:
# "NEWEST|<id>" or "DEADLINE|<id>|<deadline, ISO 8601>" (ids and ISO times hold no "|").
_SEP = "|"


def _position(order: Order, last: Posting) -> str:
    key = [order.value, last.id]
    if order is Order.DEADLINE:
        deadline = last.terms.application_deadline
        key.append(deadline.isoformat() if deadline is not None else "")
    return _SEP.join(key)


def _after(order: Order, position: str) -> dict[str, Any]:
    """The condition for the postings after `position` in `order`."""
    key = position.split(_SEP)
    try:
        if key[0] != order.value or not key[1]:
            raise ValueError("a position of another order")
        if order is Order.NEWEST and len(key) == 2:
            return {"_id": {"$lt": key[1]}}
        if len(key) != 3:
            raise ValueError("not a deadline position")
        deadline = datetime.fromisoformat(key[2])
    except (ValueError, IndexError) as exc:
        raise InvalidArgument.of("page.page_token", "is not a token from this list") from exc
    return {
        "$or": [
            {"application_deadline": {"$gt": deadline}},
            {"application_deadline": deadline, "_id": {"$gt": key[1]}},
        ]
    }
