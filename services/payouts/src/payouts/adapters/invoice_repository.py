"""The only module that touches MongoDB for invoices and their number series.

Invoices are versioned documents written only through `OutboxCollection` (their events go out
through its outbox). Numbers are claimed in a plain collection of immutable claims, one per
number (`_id` = the number, unique): taking the next number is an insert that a concurrent
claimer loses with a duplicate key (and then tries the next), and a claim names its invoice, so
an invoice whose insert was interrupted finds its number again. So a series has no gaps and no
number is used twice, without a counter document to update concurrently.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from pymongo.errors import DuplicateKeyError

from payouts.adapters import invoice_wire
from payouts.adapters.documents import newest_first, split_absent
from payouts.adapters.invoice_documents import invoice_fields, invoice_from
from payouts.domain.invoice import Invoice, InvoiceEvent, number
from payouts.handlers.invoice_ports import InvoiceQuery
from stint.kit.actor import Cause
from stint.kit.envelope import EventFactory
from stint.kit.mongo import Collection, IndexSpec, ensure_indexes
from stint.kit.outbox import OutboxCollection
from stint.kit.paging import Page, PageRequest

INVOICE_INDEXES = [
    IndexSpec([("company_id", 1), ("_id", -1)]),
    IndexSpec([("status", 1), ("_id", -1)]),
]
CLAIM_INDEXES = [
    IndexSpec([("series", 1), ("n", -1)]),
    IndexSpec([("invoice_id", 1)]),
]
MAX_CLAIM_TRIES = 100


def _invoice_id(i: Invoice) -> str:
    return i.id


class InvoiceRepository:
    def __init__(
        self, invoices: OutboxCollection, claims: Collection, events: EventFactory
    ) -> None:
        self.invoices = invoices
        self.claims = claims
        self.events = events

    async def ensure_indexes(self) -> None:
        await self.invoices.ensure_indexes(INVOICE_INDEXES)
        await ensure_indexes(self.claims, CLAIM_INDEXES)

    async def get_invoice(self, invoice_id: str) -> Invoice | None:
        doc = await self.invoices.get(invoice_id)
        return invoice_from(doc) if doc else None

    async def claim_number(self, series: str, invoice_id: str) -> str:
        mine = await self.claims.find_one({"invoice_id": str(invoice_id)})
        if mine is not None:
            return str(mine["_id"])
        for _ in range(MAX_CLAIM_TRIES):
            last = await self.claims.find_one({"series": series}, sort=[("n", -1)])
            n = int(last["n"]) + 1 if last else 1
            claim = {"_id": number(series, n), "series": series, "n": n, "invoice_id": invoice_id}
            try:
                await self.claims.insert_one(claim)
            except DuplicateKeyError:
                continue  # a concurrent invoice took it: the next one
            return str(claim["_id"])
        raise RuntimeError(f"could not claim a number in {series} after {MAX_CLAIM_TRIES} tries")

    async def insert_invoice(
        self, invoice: Invoice, events: Sequence[InvoiceEvent], cause: Cause
    ) -> Invoice:
        fields, _ = split_absent(invoice_fields(invoice))
        envelopes = invoice_wire.envelopes(self.events, events, cause, 1)
        await self.invoices.insert({"_id": invoice.id, **fields}, envelopes)
        return replace(invoice, version=1)

    async def update_invoice(
        self, invoice: Invoice, expected_version: int, events: Sequence[InvoiceEvent], cause: Cause
    ) -> Invoice:
        changes, unset = split_absent(invoice_fields(invoice))
        envelopes = invoice_wire.envelopes(self.events, events, cause, expected_version + 1)
        version = await self.invoices.update(
            invoice.id, expected_version, changes, envelopes, unset=unset
        )
        return replace(invoice, version=version)

    async def list_invoices(self, query: InvoiceQuery, page: PageRequest) -> Page[Invoice]:
        filt = {"company_id": query.company_id}
        filt["status"] = query.status.value if query.status else ""
        collection = self.invoices.collection
        return await newest_first(collection, filt, page, invoice_from, _invoice_id)
