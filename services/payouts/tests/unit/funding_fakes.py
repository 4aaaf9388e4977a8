"""An in-memory `FundingStore` with the Mongo adapter's contract (version checks, duplicate
ids, events as envelopes through the service's wire), publishing into a shared list."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from dataclasses import replace

from payouts.adapters import funding_wire
from payouts.adapters.funding_documents import funding_fields
from payouts.domain.escrow import FUNDED_ONCE
from payouts.domain.funding import (
    Funding,
    FundingEvent,
    FundingMethod,
    FundingStatus,
    MethodKind,
)
from payouts.handlers.funding_ports import FundingQuery
from stint.kit.actor import Cause
from stint.kit.envelope import Envelope, EventFactory
from stint.kit.errors import AlreadyExists, ConcurrencyConflict
from stint.kit.paging import Page, PageRequest


class MemoryFundingStore:
    def __init__(self, events: EventFactory, published: list[Envelope]) -> None:
        self.events = events
        self.published = published
        self.fundings: dict[str, Funding] = {}
        self.methods: dict[str, FundingMethod] = {}

    async def get_funding(self, funding_id: str) -> Funding | None:
        return self.fundings.get(funding_id)

    async def insert_funding(
        self, funding: Funding, events: Sequence[FundingEvent], cause: Cause
    ) -> Funding:
        funding_fields(funding)
        envelopes = funding_wire.envelopes(self.events, events, cause, 1)
        if funding.id in self.fundings:
            raise AlreadyExists(f"fundings {funding.id} already exists")
        stored = replace(funding, version=1)
        self.fundings[funding.id] = stored
        self.published.extend(envelopes)
        return stored

    async def update_funding(
        self,
        funding: Funding,
        expected_version: int,
        events: Sequence[FundingEvent] = (),
        cause: Cause | None = None,
    ) -> Funding:
        funding_fields(funding)
        envelopes = funding_wire.envelopes(self.events, events, cause, expected_version + 1)
        current = self.fundings.get(funding.id)
        if current is None or current.version != expected_version:
            raise ConcurrencyConflict(f"fundings {funding.id} changed since {expected_version}")
        stored = replace(funding, version=expected_version + 1)
        self.fundings[funding.id] = stored
        self.published.extend(envelopes)
        return stored

    async def list_fundings(self, query: FundingQuery, page: PageRequest) -> Page[Funding]:
        found = [
            f
            for fid, f in sorted(self.fundings.items(), reverse=True)
            if (not query.company_id or f.company_id == query.company_id)
            and (not query.student_id or f.student_id == query.student_id)
            and (query.status is None or f.status is query.status)
            and (not page.after or fid < page.after)
        ]
        return Page.of(found[: page.limit], page, lambda f: f.id)

    async def fundings_of_company(
        self, company_id: str, status: FundingStatus
    ) -> AsyncIterator[Funding]:
        for fid in sorted(self.fundings):
            f = self.fundings[fid]
            if f.company_id == company_id and f.status is status:
                yield f

    async def unpaid_on_terms(self, company_id: str) -> AsyncIterator[Funding]:
        for fid in sorted(self.fundings):
            f = self.fundings[fid]
            on_terms = f.method is MethodKind.INVOICE and f.paid_at is None
            if f.company_id == company_id and on_terms and f.status in FUNDED_ONCE:
                yield f

    async def all_fundings(self) -> AsyncIterator[Funding]:
        for fid in sorted(self.fundings):
            yield self.fundings[fid]

    async def get_method(self, company_id: str) -> FundingMethod | None:
        return self.methods.get(company_id)

    async def save_method(self, method: FundingMethod) -> FundingMethod:
        current = self.methods.get(method.company_id)
        if (current.version if current else 0) != method.version:
            raise ConcurrencyConflict("funding method changed concurrently; retry")
        stored = replace(method, version=method.version + 1)
        self.methods[method.company_id] = stored
        return stored
