"""Sponsorships in MongoDB: one versioned document each, its claims (one per covered
engagement) inside it, so a reservation or a settlement is one version-checked write."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from typing import Any

from payouts.adapters.documents import newest_first
from payouts.domain.sponsor_part import SponsorKind
from payouts.domain.sponsorship import Claim, Scope, Sponsorship, SponsorshipStatus
from payouts.handlers.sponsorship_ports import SponsorshipQuery
from stint.kit.errors import AlreadyExists, ConcurrencyConflict
from stint.kit.money import Money
from stint.kit.mongo import IndexSpec
from stint.kit.outbox import OutboxCollection
from stint.kit.paging import Page, PageRequest

Doc = dict[str, Any]
INDEXES = [
    IndexSpec([("sponsor_id", 1), ("_id", -1)]),
    IndexSpec([("status", 1), ("currency", 1), ("_id", 1)]),
]


def sponsorship_fields(s: Sponsorship) -> Doc:
    cur = s.currency
    return {
        "sponsor_kind": s.sponsor_kind.value,
        "sponsor_id": s.sponsor_id,
        "sponsor_name": s.sponsor_name,
        "currency": cur,
        "budget_minor": s.budget.amount_minor,
        "share_percent": s.share_percent,
        "share_amount_minor": s.share_amount.amount_minor if s.share_amount else None,
        "university_id": s.scope.university_id,
        "company_ids": list(s.scope.company_ids),
        "posting_ids": list(s.scope.posting_ids),
        "first_n_per_company": s.scope.first_n_per_company,
        "status": s.status.value,
        "created_by": s.created_by,
        "created_at": s.created_at,
        "updated_at": s.updated_at,
        "claims": [
            {
                "engagement_id": engagement_id,
                "company_id": c.company_id,
                "amount_minor": c.amount.amount_minor,
                "spent_minor": c.spent.amount_minor if c.spent else None,
            }
            for engagement_id, c in sorted(s.claims.items())
        ],
    }


def sponsorship_from(d: Doc) -> Sponsorship:
    cur = d["currency"]
    share = d.get("share_amount_minor")
    return Sponsorship(
        id=d["_id"],
        sponsor_kind=SponsorKind(d["sponsor_kind"]),
        sponsor_id=d["sponsor_id"],
        sponsor_name=d["sponsor_name"],
        budget=Money(d["budget_minor"], cur),
        share_percent=d["share_percent"],
        share_amount=Money(share, cur) if share is not None else None,
        scope=Scope(
            d.get("university_id", ""),
            tuple(d.get("company_ids", [])),
            tuple(d.get("posting_ids", [])),
            d.get("first_n_per_company", 0),
        ),
        status=SponsorshipStatus(d["status"]),
        created_by=d.get("created_by", ""),
        created_at=d["created_at"],
        updated_at=d["updated_at"],
        claims={
            c["engagement_id"]: Claim(
                c["company_id"],
                Money(c["amount_minor"], cur),
                Money(c["spent_minor"], cur) if c.get("spent_minor") is not None else None,
            )
            for c in d.get("claims", [])
        },
        version=d["version"],
    )


def _id(s: Sponsorship) -> str:
    return s.id


class SponsorshipRepository:
    def __init__(self, sponsorships: OutboxCollection) -> None:
        self.sponsorships = sponsorships

    async def ensure_indexes(self) -> None:
        await self.sponsorships.ensure_indexes(INDEXES)

    async def get_sponsorship(self, sponsorship_id: str) -> Sponsorship | None:
        doc = await self.sponsorships.get(sponsorship_id)
        return sponsorship_from(doc) if doc else None

    async def insert_sponsorship(self, s: Sponsorship) -> Sponsorship:
        try:
            await self.sponsorships.insert({"_id": s.id, **sponsorship_fields(s)})
        except AlreadyExists as exc:  # ids are new_id()s: a collision is a bug, not a race
            raise ConcurrencyConflict(f"sponsorship {s.id} exists") from exc
        return replace(s, version=1)

    async def update_sponsorship(self, s: Sponsorship, expected_version: int) -> Sponsorship:
        version = await self.sponsorships.update(s.id, expected_version, sponsorship_fields(s))
        return replace(s, version=version)

    async def list_sponsorships(
        self, query: SponsorshipQuery, page: PageRequest
    ) -> Page[Sponsorship]:
        filt = {
            "sponsor_id": query.sponsor_id,
            "status": query.status.value if query.status else "",
        }
        return await newest_first(self.sponsorships.collection, filt, page, sponsorship_from, _id)

    async def active_sponsorships(self, currency: str) -> AsyncIterator[Sponsorship]:
        filt = {"status": SponsorshipStatus.ACTIVE.value, "currency": str(currency)}
        async for doc in self.sponsorships.collection.find(filt, sort=[("_id", 1)]):
            yield sponsorship_from(doc)
