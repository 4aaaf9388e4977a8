"""Reads of invoices and credit notes: the payer company's employers and admins see them (a
student's money is its payouts); anyone else gets NotFound, so ids do not leak."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from payouts.domain.access import company_of, may_see_party, require_known
from payouts.domain.invoice import Invoice
from payouts.handlers.invoice_ports import InvoiceQuery, InvoiceStore
from stint.kit.actor import EMPLOYER, UNIVERSITY, Actor
from stint.kit.errors import NotFound, PermissionDenied
from stint.kit.paging import Page, PageRequest

# The document renderer (adapters/invoice_pdf.py): invoice -> (PDF bytes, file name).
Renderer = Callable[[Invoice], tuple[bytes, str]]


def _sponsor_staff(actor: Actor, payer_kind: str, payer_id: str) -> bool:
    """A university's career office sees the invoices billed to its university."""
    return actor.role == UNIVERSITY and payer_kind == "university" and actor.org == payer_id


class InvoiceNotFound(NotFound):
    """No such invoice, or the caller may not know it exists."""


class InvoiceViews:
    def __init__(self, store: InvoiceStore, render: Renderer) -> None:
        self.store = store
        self.render = render

    async def get(self, actor: Actor, invoice_id: str) -> Invoice:
        """GetInvoice: the payer's employers and admins."""
        require_known(actor)
        found = await self.store.get_invoice(invoice_id)
        if found is None or not (
            may_see_party(actor, student_id="", company_id=found.payer.id)
            or _sponsor_staff(actor, found.payer.kind, found.payer.id)
        ):
            raise InvoiceNotFound(f"invoice {invoice_id} not found")
        return found

    async def list(self, actor: Actor, query: InvoiceQuery, page: PageRequest) -> Page[Invoice]:
        """ListInvoices: employers their company's; admins any (or one company's)."""
        require_known(actor)
        if actor.role == UNIVERSITY and actor.org:  # a sponsoring career office's invoices
            return await self.store.list_invoices(replace(query, company_id=actor.org), page)
        if not actor.is_admin and actor.role != EMPLOYER:
            raise PermissionDenied("invoices are the paying company's (students: see payouts)")
        if not actor.is_admin:
            query = replace(query, company_id=company_of(actor, query.company_id))
        return await self.store.list_invoices(query, page)

    async def pdf(self, actor: Actor, invoice_id: str) -> tuple[bytes, str]:
        """RenderInvoicePdf: the same document as GetInvoice, as a PDF."""
        return self.render(await self.get(actor, invoice_id))
