"""Which journal entries a funding needs (pure), like `ledger.plan` for a payout.

    charge   Dr clearing:<provider>      Cr escrow:company:<id>        fee + platform fee
    release  Dr escrow:company:<id>      Cr receivable:company:<id>    fee + platform fee
    refund   Dr escrow:company:<id>      Cr clearing:<provider>        fee + platform fee

The release settles the receivable that the payout's accrual raises on the same approval
(Dr receivable, Cr payable:student fee, Cr revenue:platform fee), so after a funded engagement
is approved the company's receivable and escrow are both zero, the intern's payable holds the
fee and revenue the platform fee. A refund leaves every account of the engagement at zero.
"""

from __future__ import annotations

from datetime import datetime

from payouts.domain.funding import Funding, FundingStatus
from payouts.domain.ledger import (
    EntryKind,
    JournalEntry,
    LedgerPosting,
    clearing,
    entry_id,
    receivable,
)

FUNDED_ONCE = {FundingStatus.FUNDED, FundingStatus.RELEASED, FundingStatus.REFUNDED}


def escrow(company_id: str) -> str:
    return f"escrow:company:{company_id}"


def plan(f: Funding, now: datetime) -> list[JournalEntry]:
    """Every entry the funding's state requires, in posting order."""
    if f.status not in FUNDED_ONCE:
        return []
    total, cur = f.total.amount_minor, f.fee.currency
    held, clear = escrow(f.company_id), clearing(f.provider or "unknown")

    def entry(kind: EntryKind, debit: str, credit: str) -> JournalEntry:
        postings = (LedgerPosting(debit, total, 0, cur), LedgerPosting(credit, 0, total, cur))
        return JournalEntry(entry_id(f.id, kind), "", kind, postings, now, funding_id=f.id)

    entries = [entry(EntryKind.ESCROW_CHARGE, clear, held)]
    if f.status is FundingStatus.RELEASED:
        entries.append(entry(EntryKind.ESCROW_RELEASE, held, receivable(f.company_id)))
    if f.status is FundingStatus.REFUNDED:
        entries.append(entry(EntryKind.ESCROW_REFUND, held, clear))
    return entries
