"""The only module that touches MongoDB: postings as documents, through the kit's outbox.

A posting document holds the aggregate's state, the expiry timer's due field (`expires_at`,
derived from the state on every write), denormalized lists for indexed visibility queries
(`university_ids`, `approved_university_ids`, `published`), and the kit-owned outbox fields.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from postings.adapters.documents import from_document, to_document
from postings.domain.access import Scope, ScopeKind
from postings.domain.commands import ListQuery, Order
from postings.domain.model import Decision, Posting, Visibility
from stint.kit.envelope import Envelope
from stint.kit.errors import InvalidArgument
from stint.kit.mongo import Document, IndexSpec
from stint.kit.outbox import APPLIED_EVENTS, OutboxCollection, remember_applied

EXPIRES_AT = "expires_at"
INDEXES = (
    IndexSpec([("company_id", 1), ("_id", -1)]),
    IndexSpec([("status", 1), ("_id", -1)]),
    IndexSpec([("application_deadline", 1), ("_id", 1)]),
    IndexSpec([("university_ids", 1)]),
)


@dataclass(frozen=True)
class Loaded:
    """A posting as read, plus the consumed event ids already applied to it."""

    posting: Posting
    applied_events: tuple[str, ...] = ()


class PostingRepository:
    def __init__(self, postings: OutboxCollection) -> None:
        self._postings = postings

    async def ensure_indexes(self) -> None:
        await self._postings.ensure_indexes(INDEXES)

    async def load(self, posting_id: str) -> Loaded | None:
        doc = await self._postings.get(posting_id)
        if doc is None:
            return None
        return Loaded(from_document(doc), tuple(doc.get(APPLIED_EVENTS, ())))

    async def get(self, posting_id: str) -> Posting | None:
        loaded = await self.load(posting_id)
        return None if loaded is None else loaded.posting

    async def add(self, posting: Posting, events: Sequence[Envelope]) -> Posting:
        await self._postings.insert(_state(posting), events)
        return replace(posting, version=1)

    async def save(
        self, before: Loaded, after: Posting, events: Sequence[Envelope], applied: str = ""
    ) -> Posting:
        """One versioned write of the new state, its events and (for a consumer) the id of
        the event applied. Raises ConcurrencyConflict when someone else wrote first."""
        state = _state(after)
        del state["_id"]  # the kit filters on it; it never changes
        unset = [] if EXPIRES_AT in state else [EXPIRES_AT]
        applied_events = (
            remember_applied({APPLIED_EVENTS: list(before.applied_events)}, applied)
            if applied
            else None
        )
        version = await self._postings.update(
            after.id,
            before.posting.version,
            state,
            events,
            unset=unset,
            applied_events=applied_events,
        )
        return replace(after, version=version)

    async def page(self, scope: Scope, query: ListQuery) -> tuple[list[Posting], str]:
        """One page of the postings in `scope` matching `query`, and the next page token."""
        conditions = [*_scope_filter(scope), *_query_filter(query)]
        if query.order is Order.NEWEST:
            sort = [("_id", -1)]
        else:
            sort = [("application_deadline", 1), ("_id", 1)]
        if query.page_token:
            conditions.append(_after(query.order, query.page_token))
        mongo_filter = {"$and": conditions} if conditions else {}
        cursor = self._postings.collection.find(mongo_filter, sort=sort, limit=query.page_size + 1)
        docs = [doc async for doc in cursor]
        page = [from_document(d) for d in docs[: query.page_size]]
        more = len(docs) > query.page_size
        return page, (_token(query.order, page[-1]) if more and page else "")


def _state(posting: Posting) -> Document:
    """The document fields for `posting` (no kit-owned fields; version is the kit's)."""
    doc = to_document(posting)
    doc.pop("version", None)
    if posting.expires_at is not None:
        doc[EXPIRES_AT] = posting.expires_at
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
        found.append({"$or": [{"title": pattern}, {"summary": pattern}]})
    return found


def _token(order: Order, last: Posting) -> str:
    key: dict[str, str] = {"o": order.value, "id": last.id}
    if order is Order.DEADLINE and last.terms.application_deadline is not None:
        key["d"] = last.terms.application_deadline.isoformat()
    return base64.urlsafe_b64encode(json.dumps(key).encode()).decode()


def _after(order: Order, token: str) -> dict[str, Any]:
    try:
        key = json.loads(base64.urlsafe_b64decode(token.encode()))
        if key["o"] != order.value or not isinstance(key["id"], str):
            raise ValueError("token of another order")
        if order is Order.NEWEST:
            return {"_id": {"$lt": key["id"]}}
        deadline = datetime.fromisoformat(key["d"])
    except (ValueError, KeyError, TypeError, binascii.Error, UnicodeDecodeError) as exc:
        raise InvalidArgument.of("page.page_token", "is not a token from this list") from exc
    return {
        "$or": [
            {"application_deadline": {"$gt": deadline}},
            {"application_deadline": deadline, "_id": {"$gt": key["id"]}},
        ]
    }
