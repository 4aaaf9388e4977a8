"""A sponsor's documents (pure): the sponsor's share of a funded engagement is billed to the
sponsor on its own invoice (`ins_…`, in the INV series), issued when the engagement is funded
and due `SPONSOR_NET_DAYS` later, paid when its transfer is recorded (`RecordInvoicePayment`);
the sponsor's part of a refund is its own credit note (`cns_…`, CRN series). The company's
invoice shows the same share as a negative "Covered by …" line.
"""

from __future__ import annotations

from datetime import timedelta

from payouts.domain import escrow
from payouts.domain.funding import Funding
from payouts.domain.invoice import (
    Invoice,
    InvoiceKind,
    InvoiceStatus,
    Line,
    LineKind,
    Party,
    invoice_id,
    with_credit,
)
from payouts.domain.settlement import refund_shares

SPONSOR_NET_DAYS = 30


def required(f: Funding, issuer: Party) -> list[Invoice]:
    """The sponsor's invoice (and credit note) the funding's state requires; none unsponsored."""
    sponsor = f.sponsor
    if sponsor is None or f.funded_at is None or f.status not in escrow.FUNDED_ONCE:
        return []
    line = Line(
        LineKind.SPONSOR_SHARE,
        f"Sponsored share of “{f.posting_title}” ({f.company_id})",
        sponsor.share,
    )
    invoice = Invoice(
        id=invoice_id(InvoiceKind.SPONSOR_INVOICE, f.id),
        kind=InvoiceKind.SPONSOR_INVOICE,
        status=InvoiceStatus.PAID if sponsor.paid_at else InvoiceStatus.ISSUED,
        issuer=issuer,
        payer=Party(sponsor.party_kind, sponsor.sponsor_id, sponsor.sponsor_name),
        engagement_id=f.engagement_id,
        funding_id=f.id,
        posting_title=f.posting_title,
        lines=(line,),
        issued_at=f.funded_at,
        due_at=f.funded_at + timedelta(days=SPONSOR_NET_DAYS),
        paid_at=sponsor.paid_at,
    )
    _, sponsor_refund = refund_shares(f)
    return with_credit(f, invoice, sponsor_refund, InvoiceKind.SPONSOR_CREDIT_NOTE)
