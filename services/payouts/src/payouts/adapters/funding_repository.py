"""The only module that touches MongoDB for fundings and funding methods.

Both are versioned documents written only through `OutboxCollection` (version check + write
guard); a funding's domain events become envelopes here (`funding_wire.envelopes`) in the same
write as its state, as for payouts (`repository.py`).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from dataclasses import replace

from payouts.adapters import funding_wire
from payouts.adapters.documents import newest_first, split_absent
from payouts.adapters.funding_documents import (
    funding_fields,
    funding_from,
    method_fields,
    method_from,
)
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
from stint.kit.envelope import EventFactory
from stint.kit.errors import AlreadyExists, ConcurrencyConflict
from stint.kit.mongo import IndexSpec
from stint.kit.outbox import OutboxCollection
from stint.kit.paging import Page, PageRequest

FUNDING_INDEXES = [
    IndexSpec([("company_id", 1), ("status", 1), ("_id", -1)]),
    IndexSpec([("student_id", 1), ("_id", -1)]),
    IndexSpec([("status", 1), ("_id", -1)]),
]


def _funding_id(f: Funding) -> str:
    return f.id


class FundingRepository:
    def __init__(
        self, fundings: OutboxCollection, methods: OutboxCollection, events: EventFactory
    ) -> None:
        self.fundings = fundings
        self.methods = methods
        self.events = events

    async def ensure_indexes(self) -> None:
        await self.fundings.ensure_indexes(FUNDING_INDEXES)
        await self.methods.ensure_indexes()

    async def get_funding(self, funding_id: str) -> Funding | None:
        doc = await self.fundings.get(funding_id)
        return funding_from(doc) if doc else None

    async def insert_funding(
        self, funding: Funding, events: Sequence[FundingEvent], cause: Cause
    ) -> Funding:
        fields, _ = split_absent(funding_fields(funding))
        envelopes = funding_wire.envelopes(self.events, events, cause, 1)
        await self.fundings.insert(
            {"_id": funding.id, **fields}, envelopes, applied_event=cause.causation_id
        )
        return replace(funding, version=1)

    async def update_funding(
        self,
        funding: Funding,
        expected_version: int,
        events: Sequence[FundingEvent] = (),
        cause: Cause | None = None,
    ) -> Funding:
        changes, unset = split_absent(funding_fields(funding))
        envelopes = funding_wire.envelopes(self.events, events, cause, expected_version + 1)
        version = await self.fundings.update(
            funding.id, expected_version, changes, envelopes, unset=unset
        )
        return replace(funding, version=version)

    async def list_fundings(self, query: FundingQuery, page: PageRequest) -> Page[Funding]:
        filt = {"company_id": query.company_id, "student_id": query.student_id}
        filt["status"] = query.status.value if query.status else ""
        collection = self.fundings.collection
        return await newest_first(collection, filt, page, funding_from, _funding_id)

    async def fundings_of_company(
        self, company_id: str, status: FundingStatus
    ) -> AsyncIterator[Funding]:
        filt = {"company_id": str(company_id), "status": status.value}
        async for doc in self.fundings.collection.find(filt, sort=[("_id", 1)]):
            yield funding_from(doc)

    async def unpaid_on_terms(self, company_id: str) -> AsyncIterator[Funding]:
        filt = {
            "company_id": str(company_id),
            "status": {"$in": [s.value for s in FUNDED_ONCE]},
            "method": MethodKind.INVOICE.value,
            "paid_at": None,  # absent: not paid yet
        }
        async for doc in self.fundings.collection.find(filt, sort=[("_id", 1)]):
            yield funding_from(doc)

    async def all_fundings(self) -> AsyncIterator[Funding]:
        async for doc in self.fundings.collection.find({}, sort=[("_id", 1)]):
            yield funding_from(doc)

    async def get_method(self, company_id: str) -> FundingMethod | None:
        doc = await self.methods.get(company_id)
        return method_from(doc) if doc else None

    async def save_method(self, method: FundingMethod) -> FundingMethod:
        fields = method_fields(method)
        if method.version == 0:
            try:
                await self.methods.insert({"_id": method.company_id, **fields})
            except AlreadyExists as exc:  # registered concurrently: reload and decide again
                raise ConcurrencyConflict("funding method changed concurrently; retry") from exc
            return replace(method, version=1)
        version = await self.methods.update(method.company_id, method.version, fields)
        return replace(method, version=version)
