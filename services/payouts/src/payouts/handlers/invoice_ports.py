"""What the invoicing use cases need: storage of invoices with their number series."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from payouts.domain.invoice import Invoice, InvoiceEvent, InvoiceStatus
from stint.kit.actor import Cause
from stint.kit.paging import Page, PageRequest


@dataclass(frozen=True)
class InvoiceQuery:
    company_id: str = ""
    status: InvoiceStatus | None = None


class InvoiceStore(Protocol):
    async def get_invoice(self, invoice_id: str) -> Invoice | None: ...

    async def claim_number(self, series: str, invoice_id: str) -> str:
        """The next number of `series` for `invoice_id` (gapless; the same number again when
        this invoice claimed one before, e.g. before a crash)."""
        ...

    async def insert_invoice(
        self, invoice: Invoice, events: Sequence[InvoiceEvent], cause: Cause
    ) -> Invoice:
        """Store at version 1 with its events; AlreadyExists when the id is taken."""
        ...

    async def update_invoice(
        self, invoice: Invoice, expected_version: int, events: Sequence[InvoiceEvent], cause: Cause
    ) -> Invoice: ...

    async def list_invoices(self, query: InvoiceQuery, page: PageRequest) -> Page[Invoice]:
        """By id, descending (a stable order for paging), after `page.after`."""
        ...
