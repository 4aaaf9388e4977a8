"""Which journal entries a funding needs (pure), like `ledger.plan` for a payout.

    charge   Dr clearing:<provider>      Cr escrow:company:<id>        fee + platform fee
    release  Dr escrow:company:<id>      Cr receivable:company:<id>    released_total
    refund   Dr escrow:company:<id>      Cr clearing:<provider>        refund_total
    payment  Dr clearing:invoice         Cr invoiced:company:<id>      paid_amount

A sponsor's share comes in by its own entry (sponsor_charge: Dr sponsor:<kind>:<id>, Cr
escrow), the company's charge is the rest (company_total), a refund returns to each payer its
part in proportion to what it paid (escrow_refund to the company's source, sponsor_refund to
the sponsor's account), and the sponsor's recorded transfer posts sponsor_payment (Dr
clearing:invoice, Cr sponsor:<kind>:<id>).

On invoice terms (`invoice_terms.py`) the charge's source, and the refund's destination, is
`invoiced:company:<id>` (the company's invoice debt) instead of the provider's clearing
account, and the recorded bank transfer posts the payment entry.

(released in full: the whole total released; refunded: the whole total refunded; SETTLED by a
kill fee or a dispute: the released share and its platform fee, and the rest refunded.)

The release settles the receivable that the payout's accrual raises on the same approval
(Dr receivable, Cr payable:student fee, Cr revenue:platform fee), so after a funded engagement
is approved the company's receivable and escrow are both zero, the intern's payable holds the
fee and revenue the platform fee. A refund leaves every account of the engagement at zero.
"""

from __future__ import annotations

from datetime import datetime

from payouts.domain.funding import Funding, FundingStatus, MethodKind
from payouts.domain.funding_method import INVOICE_PROVIDER
from payouts.domain.ledger import (
    PLATFORM_REVENUE,
    EntryKind,
    JournalEntry,
    LedgerPosting,
    clearing,
    entry_id,
    receivable,
)
from payouts.domain.settlement import refund_shares, released_total

FUNDED_ONCE = {
    FundingStatus.FUNDED,
    FundingStatus.RELEASED,
    FundingStatus.REFUNDED,
    FundingStatus.SETTLED,
}


def escrow(company_id: str) -> str:
    return f"escrow:company:{company_id}"


def invoiced(company_id: str) -> str:
    """What the company owes on its invoice-terms invoices (an asset, like a receivable)."""
    return f"invoiced:company:{company_id}"


def source(f: Funding) -> str:
    """Where the escrow's money came from, and a refund returns it to: the provider's clearing
    account, or (invoice terms) the company's invoiced debt."""
    if f.method is MethodKind.INVOICE:
        return invoiced(f.company_id)
    return clearing(f.provider or "unknown")


def plan(f: Funding, now: datetime) -> list[JournalEntry]:
    """Every entry the funding's state requires, in posting order."""
    if f.status not in FUNDED_ONCE:
        return []
    cur = f.fee.currency
    held, clear = escrow(f.company_id), source(f)

    def entry(kind: EntryKind, debit: str, credit: str, amount: int) -> JournalEntry:
        postings = (LedgerPosting(debit, amount, 0, cur), LedgerPosting(credit, 0, amount, cur))
        return JournalEntry(entry_id(f.id, kind), "", kind, postings, now, funding_id=f.id)

    entries = []
    if (charged := f.company_total.amount_minor) > 0:
        entries.append(entry(EntryKind.ESCROW_CHARGE, clear, held, charged))
    if (sponsor := f.sponsor) is not None:
        entries.append(
            entry(EntryKind.SPONSOR_CHARGE, sponsor.account, held, sponsor.share.amount_minor)
        )
    if (released := released_total(f).amount_minor) > 0:
        entries.append(entry(EntryKind.ESCROW_RELEASE, held, receivable(f.company_id), released))
    company_refund, sponsor_refund = refund_shares(f)
    if company_refund.amount_minor > 0:
        entries.append(entry(EntryKind.ESCROW_REFUND, held, clear, company_refund.amount_minor))
    if sponsor is not None and sponsor_refund.amount_minor > 0:
        kind, back = EntryKind.SPONSOR_REFUND, sponsor_refund.amount_minor
        entries.append(entry(kind, held, sponsor.account, back))
    if (goodwill := f.goodwill) is not None:
        back = goodwill.amount.amount_minor
        entries.append(entry(EntryKind.GOODWILL_REFUND, PLATFORM_REVENUE, clear, back))
    if sponsor is not None and sponsor.paid_amount is not None:
        paid = sponsor.paid_amount.amount_minor
        entries.append(
            entry(EntryKind.SPONSOR_PAYMENT, clearing(INVOICE_PROVIDER), sponsor.account, paid)
        )
    if f.method is MethodKind.INVOICE and f.paid_amount is not None:
        received = clearing(INVOICE_PROVIDER)
        entries.append(
            entry(EntryKind.INVOICE_PAYMENT, received, clear, f.paid_amount.amount_minor)
        )
    return entries
