"""Recording the payment of an invoice paid by transfer (admins): a company's on invoice terms,
or a sponsor's.

    RecordInvoicePayment → the funding paid (the payment entry posted), its invoice PAID
                           (InvoicePaid, the `invoice.paid` webhook and e-mail)

The invoice follows the funding like every document (`invoicing.py`), so this only moves the
funding; a repeated call is refused (FAILED_PRECONDITION: already paid), never paid twice.
"""

from __future__ import annotations

from payouts.domain import invoice_terms
from payouts.domain.access import require_admin
from payouts.domain.funding import FUNDING_PREFIX
from payouts.domain.invoice import Invoice
from payouts.handlers.funding_writer import FundingNotFound, FundingWriter
from payouts.handlers.invoice_ports import InvoiceStore
from payouts.handlers.invoice_views import InvoiceNotFound
from stint.kit.actor import Cause
from stint.kit.errors import InvalidArgument

# The company's invoice on invoice terms, or a sponsor's invoice.
_PAYMENTS = {
    "inv_": invoice_terms.record_payment,
    "ins_": invoice_terms.record_sponsor_payment,
}
MAX_REFERENCE = 140


class InvoicePayments:
    def __init__(self, writer: FundingWriter, invoices: InvoiceStore) -> None:
        self.writer = writer
        self.invoices = invoices

    async def record(self, cause: Cause, invoice_id: str, reference: str) -> Invoice:
        require_admin(cause.actor)
        if not reference.strip() or len(reference) > MAX_REFERENCE:
            raise InvalidArgument.of(
                "reference", f"is required, at most {MAX_REFERENCE} characters"
            )
        prefix = invoice_id[:4]
        pay = _PAYMENTS.get(prefix)
        if pay is None:  # credit notes are never paid
            raise InvoiceNotFound(f"invoice {invoice_id} not found")
        funding_id = f"{FUNDING_PREFIX}_{invoice_id.removeprefix(prefix)}"
        now = self.writer.clock.now()
        try:
            await self.writer.change(funding_id, lambda f: pay(f, now, reference.strip()), cause)
        except FundingNotFound:
            raise InvoiceNotFound(f"invoice {invoice_id} not found") from None
        found = await self.invoices.get_invoice(invoice_id)
        if found is None:  # funded but its documents not stored yet: the repair timer will
            raise InvoiceNotFound(f"invoice {invoice_id} not found")
        return found
