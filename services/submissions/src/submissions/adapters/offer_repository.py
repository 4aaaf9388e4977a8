"""Offers in MongoDB: one document per offer (`offers`, `_id` = ofr_…, one per engagement)
through the kit's outbox, with optimistic versions like the engagement and the dispute. No
timers: nothing about an offer is due. Lists use the equality indexes below (the caller's
scope, newest first by `_id`), like the disputes."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from stint.kit.actor import Cause
from stint.kit.envelope import Envelope
from stint.kit.money import Money
from stint.kit.mongo import Document, IndexSpec
from stint.kit.outbox import OutboxCollection
from stint.kit.paging import PageRequest
from submissions.domain.events import Event
from submissions.domain.offer import Offer, OfferKind, OfferStatus, Terms

Envelopes = Callable[[Sequence[Event], Cause], list[Envelope]]

INDEXES = [
    IndexSpec([("status", 1), ("_id", -1)]),
    IndexSpec([("company_id", 1), ("_id", -1)]),
    IndexSpec([("student_id", 1), ("_id", -1)]),
    IndexSpec([("university_id", 1), ("_id", -1)]),
]


class OfferRepository:
    def __init__(self, offers: OutboxCollection, envelopes: Envelopes) -> None:
        self._offers = offers
        self._envelopes = envelopes

    async def ensure_indexes(self) -> None:
        await self._offers.ensure_indexes(INDEXES)

    async def get(self, offer_id: str) -> Offer | None:
        doc = await self._offers.get(str(offer_id))
        return from_document(doc) if doc else None

    async def add(self, offer: Offer, events: Sequence[Event], cause: Cause) -> None:
        """Insert; AlreadyExists when the engagement's offer is already stored."""
        await self._offers.insert(to_document(offer), self._envelopes(events, cause))
        offer.version = 1

    async def save(self, offer: Offer, events: Sequence[Event], cause: Cause) -> None:
        """The new state and its events in one versioned update (ConcurrencyConflict when
        someone changed the offer since it was loaded)."""
        state = to_document(offer)
        state.pop("_id")
        offer.version = await self._offers.update(
            offer.id, offer.version, state, self._envelopes(events, cause)
        )

    async def list(
        self, filters: dict[str, str], statuses: Sequence[OfferStatus], page: PageRequest
    ) -> list[Offer]:
        """Newest first (ids follow their engagements' time order), after `page.after`."""
        query: dict[str, Any] = {k: str(v) for k, v in filters.items()}
        if statuses:
            query["status"] = {"$in": [s.value for s in statuses]}
        if page.after:
            query["_id"] = {"$lt": str(page.after)}
        cursor = self._offers.collection.find(query).sort("_id", -1).limit(page.limit)
        return [from_document(doc) async for doc in cursor]


def to_document(o: Offer) -> Document:
    t = o.terms
    return {
        "_id": o.id,
        "engagement_id": o.engagement_id,
        "posting_id": o.posting_id,
        "company_id": o.company_id,
        "company_name": o.company_name,
        "student_id": o.student_id,
        "student_name": o.student_name,
        "university_id": o.university_id,
        "category": o.category,
        "kind": t.kind.value,
        "role_title": t.role_title,
        "details": t.details,
        "start_date": t.start_date,
        "compensation": _money(t.compensation),
        "status": o.status.value,
        "decline_reason": o.decline_reason,
        "made_by": o.made_by,
        "made_at": o.made_at,
        "answered_at": o.answered_at,
        "updated_at": o.updated_at,
    }


def from_document(doc: Document) -> Offer:
    money = doc.get("compensation")
    terms = Terms(
        OfferKind(doc["kind"]),
        doc["role_title"],
        doc.get("details", ""),
        doc.get("start_date"),
        Money(**money) if money else None,
    )
    return Offer(
        id=doc["_id"],
        engagement_id=doc["engagement_id"],
        posting_id=doc["posting_id"],
        company_id=doc["company_id"],
        company_name=doc.get("company_name", ""),
        student_id=doc["student_id"],
        student_name=doc.get("student_name", ""),
        university_id=doc.get("university_id", ""),
        category=doc["category"],
        terms=terms,
        made_by=doc["made_by"],
        made_at=doc["made_at"],
        updated_at=doc["updated_at"],
        status=OfferStatus(doc["status"]),
        decline_reason=doc.get("decline_reason", ""),
        answered_at=doc.get("answered_at"),
        version=doc.get("version", 1),
    )


def _money(m: Money | None) -> Document | None:
    return {"amount_minor": m.amount_minor, "currency": m.currency} if m else None
