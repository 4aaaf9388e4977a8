"""Companies in MongoDB (collection `companies`, _id = the company id), through the kit's
outbox: each profile change or verification decision and its event are one write. Company
events go to the postings topic, keyed by the company id."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from postings.adapters import company_wire
from postings.domain.company import (
    Company,
    CompanyEventKind,
    Profile,
    Verification,
    VerificationDecision,
)
from stint.kit.actor import Cause
from stint.kit.envelope import EventFactory
from stint.kit.mongo import Document, IndexSpec
from stint.kit.outbox import OutboxCollection
from stint.kit.paging import Page, PageRequest

INDEXES = (IndexSpec([("verification_status", 1), ("_id", 1)]),)


class CompanyRepository:
    def __init__(self, companies: OutboxCollection, events: EventFactory) -> None:
        self._companies = companies
        self._events = events

    async def ensure_indexes(self) -> None:
        await self._companies.ensure_indexes(INDEXES)

    async def load(self, company_id: str) -> Company | None:
        doc = await self._companies.get(company_id)
        return None if doc is None else from_document(doc)

    async def save(
        self, before: Company, after: Company, events: list[CompanyEventKind], cause: Cause
    ) -> Company:
        """Insert (before.version == 0) or version-checked update; ConcurrencyConflict or
        AlreadyExists when someone else wrote first."""
        envelopes = [
            self._events(company_wire.event_out(kind, after, cause), after.id) for kind in events
        ]
        state = to_document(after)
        if not before.version:
            await self._companies.insert(state, envelopes)
            return replace(after, version=1)
        del state["_id"]
        version = await self._companies.update(after.id, before.version, state, envelopes)
        return replace(after, version=version)

    async def page(self, status: Verification | None, request: PageRequest) -> Page[Company]:
        """Companies by id (oldest first), optionally with one verification status."""
        conditions: list[dict[str, Any]] = []
        if status is not None:
            conditions.append({"verification_status": status.value})
        if request.after:
            conditions.append({"_id": {"$gt": request.after}})
        query = {"$and": conditions} if conditions else {}
        cursor = self._companies.collection.find(query, sort=[("_id", 1)], limit=request.limit)
        rows = [from_document(doc) async for doc in cursor]
        return Page.of(rows, request, lambda c: c.id)


def to_document(c: Company) -> Document:
    p, v = c.profile, c.verification
    return {
        "_id": c.id,
        "display_name": p.display_name,
        "website": p.website,
        "logo_url": p.logo_url,
        "description": p.description,
        "verification_status": v.status.value,
        "verification": {
            "domain": v.domain,
            "documents": list(v.documents),
            "note": v.note,
            "decided_at": v.decided_at,
            "decided_by": v.decided_by,
        },
        "created_at": c.created_at,
        "updated_at": c.updated_at,
    }


def from_document(d: Document) -> Company:
    v = d.get("verification") or {}
    return Company(
        id=d["_id"],
        profile=Profile(
            d.get("display_name", ""),
            d.get("website", ""),
            d.get("logo_url", ""),
            d.get("description", ""),
        ),
        verification=VerificationDecision(
            Verification(d.get("verification_status", Verification.UNVERIFIED.value)),
            v.get("domain", ""),
            tuple(v.get("documents", [])),
            v.get("note", ""),
            v.get("decided_at"),
            v.get("decided_by", ""),
        ),
        created_at=d.get("created_at"),
        updated_at=d.get("updated_at"),
        version=d["version"],
    )
