"""An in-memory `InvoiceStore` with the Mongo adapter's contract (version checks, duplicate
ids, gapless claimed numbers, events as envelopes through the service's wire)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from payouts.adapters import invoice_wire
from payouts.adapters.invoice_documents import invoice_fields
from payouts.domain.invoice import Invoice, InvoiceEvent, number
from payouts.handlers.invoice_ports import InvoiceQuery
from stint.kit.actor import Cause
from stint.kit.envelope import Envelope, EventFactory
from stint.kit.errors import AlreadyExists, ConcurrencyConflict
from stint.kit.paging import Page, PageRequest


class MemoryInvoiceStore:
    def __init__(self, events: EventFactory, published: list[Envelope]) -> None:
        self.events = events
        self.published = published
        self.invoices: dict[str, Invoice] = {}
        self.claims: dict[str, str] = {}  # number -> invoice id

    async def get_invoice(self, invoice_id: str) -> Invoice | None:
        return self.invoices.get(invoice_id)

    async def claim_number(self, series: str, invoice_id: str) -> str:
        for taken, owner in self.claims.items():
            if owner == invoice_id:
                return taken
        n = 1 + sum(1 for taken in self.claims if taken.startswith(series + "-"))
        self.claims[number(series, n)] = invoice_id
        return number(series, n)

    async def insert_invoice(
        self, invoice: Invoice, events: Sequence[InvoiceEvent], cause: Cause
    ) -> Invoice:
        invoice_fields(invoice)
        envelopes = invoice_wire.envelopes(self.events, events, cause, 1)
        if invoice.id in self.invoices:
            raise AlreadyExists(f"invoices {invoice.id} already exists")
        stored = replace(invoice, version=1)
        self.invoices[invoice.id] = stored
        self.published.extend(envelopes)
        return stored

    async def update_invoice(
        self, invoice: Invoice, expected_version: int, events: Sequence[InvoiceEvent], cause: Cause
    ) -> Invoice:
        invoice_fields(invoice)
        envelopes = invoice_wire.envelopes(self.events, events, cause, expected_version + 1)
        current = self.invoices.get(invoice.id)
        if current is None or current.version != expected_version:
            raise ConcurrencyConflict(f"invoices {invoice.id} changed since {expected_version}")
        stored = replace(invoice, version=expected_version + 1)
        self.invoices[invoice.id] = stored
        self.published.extend(envelopes)
        return stored

    async def list_invoices(self, query: InvoiceQuery, page: PageRequest) -> Page[Invoice]:
        found = [
            i
            for iid, i in sorted(self.invoices.items(), reverse=True)
            if (not query.company_id or i.payer.id == query.company_id)
            and (query.status is None or i.status is query.status)
            and (not page.after or iid < page.after)
        ]
        return Page.of(found[: page.limit], page, lambda i: i.id)
