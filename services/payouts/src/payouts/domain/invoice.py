"""Invoices and credit notes (pure): the documents a funding requires, as a function of it.

Like the journal (`escrow.plan`), which documents must exist follows from the funding's state
(`required`): once funded, its invoice, paid at once by the card charge (a receipt) or, on
invoice terms, ISSUED and due `net_days` later until the transfer is recorded; once
refunded, a credit note for the whole total and the invoice marked CREDITED; once SETTLED (a
kill fee, a dispute's partial release), a credit note for the refunded part only, the invoice
staying PAID for the rest. A document is
immutable apart from its status, so `required` also says which status each must have, and
`advance` moves a stored one there (never back). Numbers come from a gapless series per kind
and year (`series`); the adapter claims them (`adapters/invoice_numbers.py`).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, replace
from datetime import datetime

from payouts.domain import escrow
from payouts.domain.funding import Funding, FundingStatus
from payouts.domain.settlement import refund_shares
from stint.kit.ids import suffix
from stint.kit.money import Money


class InvoiceKind(enum.StrEnum):
    INVOICE = "INVOICE"
    CREDIT_NOTE = "CREDIT_NOTE"
    SPONSOR_INVOICE = "SPONSOR_INVOICE"  # the sponsor's share, billed to the sponsor
    SPONSOR_CREDIT_NOTE = "SPONSOR_CREDIT_NOTE"
    GOODWILL_CREDIT_NOTE = "GOODWILL_CREDIT_NOTE"  # an admin's refund of the platform fee


class InvoiceStatus(enum.StrEnum):
    ISSUED = "ISSUED"
    PAID = "PAID"
    VOID = "VOID"
    CREDITED = "CREDITED"


class LineKind(enum.StrEnum):
    PROJECT_FEE = "PROJECT_FEE"
    PLATFORM_FEE = "PLATFORM_FEE"
    REFUND = "REFUND"
    SPONSOR_SHARE = "SPONSOR_SHARE"


class InvoiceEventKind(enum.StrEnum):
    ISSUED = "issued"
    PAID = "paid"
    CREDITED = "credited"


# Id prefix and number series per kind (a sponsor's documents share the series).
_PREFIX = {
    InvoiceKind.INVOICE: ("inv", "INV"),
    InvoiceKind.CREDIT_NOTE: ("crn", "CRN"),
    InvoiceKind.SPONSOR_INVOICE: ("ins", "INV"),
    InvoiceKind.SPONSOR_CREDIT_NOTE: ("cns", "CRN"),
    InvoiceKind.GOODWILL_CREDIT_NOTE: ("crg", "CRN"),
}
# Which statuses a document may move to from each (forward only).
_NEXT = {
    InvoiceStatus.ISSUED: {InvoiceStatus.PAID, InvoiceStatus.VOID, InvoiceStatus.CREDITED},
    InvoiceStatus.PAID: {InvoiceStatus.CREDITED},
    InvoiceStatus.VOID: set(),
    InvoiceStatus.CREDITED: set(),
}


@dataclass(frozen=True)
class Party:
    kind: str  # "platform", "company", "university" or "grant_program"
    id: str
    name: str


@dataclass(frozen=True)
class Line:
    kind: LineKind
    description: str
    amount: Money


@dataclass(frozen=True)
class Invoice:
    id: str
    kind: InvoiceKind
    status: InvoiceStatus
    issuer: Party
    payer: Party
    engagement_id: str
    funding_id: str
    posting_title: str
    lines: tuple[Line, ...]
    issued_at: datetime
    number: str = ""  # assigned from the series when it is first stored
    due_at: datetime | None = None
    paid_at: datetime | None = None
    credited_at: datetime | None = None
    credit_note_id: str = ""
    credits_invoice_id: str = ""
    version: int = 0

    @property
    def currency(self) -> str:
        return self.lines[0].amount.currency

    @property
    def total(self) -> Money:
        return Money(sum(line.amount.amount_minor for line in self.lines), self.currency)

    @property
    def series(self) -> str:
        """The number series it belongs to: kind and the UTC year of issue."""
        return f"{_PREFIX[self.kind][1]}-{self.issued_at.year}"


@dataclass(frozen=True)
class InvoiceEvent:
    kind: InvoiceEventKind
    invoice: Invoice


def invoice_id(kind: InvoiceKind, funding_id: str) -> str:
    return f"{_PREFIX[kind][0]}_{suffix(funding_id)}"


def number(series: str, n: int) -> str:
    return f"{series}-{n:06d}"


def required(f: Funding, issuer: Party) -> list[Invoice]:
    """Every document the funding's state requires, with the status it must have: the
    company's (and, when sponsored, the sponsor's: `sponsor_invoice.py`)."""
    if f.funded_at is None or f.status not in escrow.FUNDED_ONCE:
        return []
    lines = [
        Line(LineKind.PROJECT_FEE, f"Micro-internship: {f.posting_title}", f.fee),
        Line(LineKind.PLATFORM_FEE, "Platform fee", f.platform_fee),
    ]
    if (sponsor := f.sponsor) is not None:
        covered = Money(-sponsor.share.amount_minor, sponsor.share.currency)
        lines.append(Line(LineKind.SPONSOR_SHARE, f"Covered by {sponsor.sponsor_name}", covered))
    invoice = Invoice(
        id=invoice_id(InvoiceKind.INVOICE, f.id),
        kind=InvoiceKind.INVOICE,
        # Paid by the charge at hire (a receipt), or on invoice terms once the transfer came.
        status=InvoiceStatus.PAID if f.paid_at else InvoiceStatus.ISSUED,
        issuer=issuer,
        payer=Party("company", f.company_id, f.company_id),
        engagement_id=f.engagement_id,
        funding_id=f.id,
        posting_title=f.posting_title,
        lines=tuple(lines),
        issued_at=f.funded_at,
        due_at=f.payment_due_at or f.funded_at,
        paid_at=f.paid_at,
    )
    company_refund, _ = refund_shares(f)
    documents = with_credit(f, invoice, company_refund, InvoiceKind.CREDIT_NOTE)
    if (g := f.goodwill) is not None:
        documents.append(
            replace(
                invoice,
                id=invoice_id(InvoiceKind.GOODWILL_CREDIT_NOTE, f.id),
                kind=InvoiceKind.GOODWILL_CREDIT_NOTE,
                status=InvoiceStatus.PAID,
                lines=(Line(LineKind.REFUND, f"Goodwill refund: {g.reason}", _negative(g.amount)),),
                issued_at=g.at,
                due_at=g.at,
                paid_at=g.at,
                credits_invoice_id=invoice.id,
            )
        )
    return documents


def with_credit(f: Funding, invoice: Invoice, refunded: Money, kind: InvoiceKind) -> list[Invoice]:
    """The invoice, and once part of it was refunded its credit note (`kind`) for that part;
    refunded in full, the invoice is CREDITED, in part it keeps its status."""
    if refunded.amount_minor == 0 or f.refunded_at is None:
        return [invoice]
    credit_id = invoice_id(kind, f.id)
    refund = Money(-refunded.amount_minor, refunded.currency)
    credit = replace(
        invoice,
        id=credit_id,
        kind=kind,
        status=InvoiceStatus.PAID,
        lines=(Line(LineKind.REFUND, f"Refund: {f.end_reason or 'engagement ended'}", refund),),
        issued_at=f.refunded_at,
        due_at=f.refunded_at,
        paid_at=f.refunded_at,
        credits_invoice_id=invoice.id,
    )
    if f.status is not FundingStatus.REFUNDED:
        return [invoice, credit]
    credited = replace(
        invoice,
        status=InvoiceStatus.CREDITED,
        credited_at=f.refunded_at,
        credit_note_id=credit_id,
    )
    return [credited, credit]


def issued(doc: Invoice) -> list[InvoiceEvent]:
    """The events of a document stored for the first time at its required status."""
    return [InvoiceEvent(InvoiceEventKind.ISSUED, doc), *_moved(doc, InvoiceStatus.ISSUED)]


def advance(stored: Invoice, wanted: Invoice) -> tuple[Invoice, list[InvoiceEvent]] | None:
    """Move a stored document to the wanted status (None when it is there, or cannot go)."""
    if stored.status is wanted.status or wanted.status not in _NEXT[stored.status]:
        return None
    moved = replace(
        stored,
        status=wanted.status,
        paid_at=stored.paid_at or wanted.paid_at,
        credited_at=wanted.credited_at,
        credit_note_id=wanted.credit_note_id,
    )
    return moved, _moved(moved, stored.status)


def _moved(doc: Invoice, since: InvoiceStatus) -> list[InvoiceEvent]:
    """One event per step from `since` to the document's status: paid, then credited."""
    events = []
    moved_on = doc.status in (InvoiceStatus.PAID, InvoiceStatus.CREDITED)
    if since is InvoiceStatus.ISSUED and moved_on and doc.paid_at is not None:
        paid = replace(doc, status=InvoiceStatus.PAID, credited_at=None, credit_note_id="")
        events.append(InvoiceEvent(InvoiceEventKind.PAID, paid))
    if doc.status is InvoiceStatus.CREDITED:
        events.append(InvoiceEvent(InvoiceEventKind.CREDITED, doc))
    return events


def _negative(m: Money) -> Money:
    return Money(-m.amount_minor, m.currency)
