"""The double-entry ledger (pure): accounts, balanced journal entries, and which must exist.

Each journal entry is ONE immutable document with a deterministic id holding all its
postings, so it balances by construction and a repeated post is a duplicate key, never a
second posting. Which entries a payout needs is a function of the payout alone (`plan`): the
payout's state machine is the source of truth, entries follow it (see README, "crash safety").

Accounts (balances are derived by summing postings):
- ``receivable:company:<id>``  asset: what the company owes (fee + platform fee)
- ``payable:student:<id>``     liability: what the platform owes the intern (fee)
- ``revenue:platform``         income: the platform fee
- ``clearing:<provider>``      money in flight to / through the payment provider
- ``escrow:company:<id>``      liability: a company's charges held until approval (`escrow.py`)
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from payouts.domain.model import Payout
from payouts.domain.values import PayoutStatus
from stint.kit.ids import suffix
from stint.kit.money import fits_int64

PLATFORM_REVENUE = "revenue:platform"


class EntryKind(enum.StrEnum):
    ACCRUAL = "accrual"
    PAYMENT = "payment"
    PAYMENT_REVERSAL = "payment_reversal"
    CANCELLATION = "cancellation"
    ESCROW_CHARGE = "escrow_charge"
    ESCROW_RELEASE = "escrow_release"
    ESCROW_REFUND = "escrow_refund"
    INVOICE_PAYMENT = "invoice_payment"
    SPONSOR_CHARGE = "sponsor_charge"
    SPONSOR_REFUND = "sponsor_refund"
    SPONSOR_PAYMENT = "sponsor_payment"
    GOODWILL_REFUND = "goodwill_refund"


def receivable(company_id: str) -> str:
    return f"receivable:company:{company_id}"


def payable(student_id: str) -> str:
    return f"payable:student:{student_id}"


def clearing(provider: str) -> str:
    return f"clearing:{provider}"


@dataclass(frozen=True)
class LedgerPosting:
    """One line: exactly one of `debit` and `credit` is positive."""

    account: str
    debit: int
    credit: int
    currency: str


@dataclass(frozen=True)
class JournalEntry:
    id: str
    payout_id: str
    kind: EntryKind
    postings: tuple[LedgerPosting, ...]
    created_at: datetime
    funding_id: str = ""  # escrow entries belong to a funding instead (`escrow.py`)

    @property
    def source_id(self) -> str:
        """The payout or funding whose state requires the entry."""
        return self.payout_id or self.funding_id

    def same_content(self, other: JournalEntry) -> bool:
        """Equal apart from the posting time (a repair posts what the first try did)."""
        return (self.id, self.source_id, self.kind, self.postings) == (
            other.id,
            other.source_id,
            other.kind,
            other.postings,
        )


def unbalanced_currencies(entry: JournalEntry) -> list[str]:
    """Currencies in which debits and credits differ (empty for a valid entry)."""
    totals: dict[str, int] = {}
    for p in entry.postings:
        totals[p.currency] = totals.get(p.currency, 0) + p.debit - p.credit
    return sorted(c for c, total in totals.items() if total != 0)


def malformed_postings(entry: JournalEntry) -> list[LedgerPosting]:
    """Postings that are not exactly one positive side."""
    return [
        p for p in entry.postings if p.debit < 0 or p.credit < 0 or (p.debit > 0) == (p.credit > 0)
    ]


def entry_id(source_id: str, kind: EntryKind, n: int = 0) -> str:
    base = f"je_{suffix(source_id)}_{kind.value}"
    return f"{base}_{n}" if n else base


def _dr(account: str, amount: int, currency: str) -> LedgerPosting:
    return LedgerPosting(account, amount, 0, currency)


def _cr(account: str, amount: int, currency: str) -> LedgerPosting:
    return LedgerPosting(account, 0, amount, currency)


def _entry(
    p: Payout, kind: EntryKind, n: int, postings: Iterable[LedgerPosting], now: datetime
) -> JournalEntry:
    return JournalEntry(entry_id(p.id, kind, n), p.id, kind, tuple(postings), now)


def plan(p: Payout, now: datetime) -> list[JournalEntry]:
    """Every entry the payout's current state requires, in the order they must be posted.

    Posting in this order keeps the student payable non-negative at every step: the accrual
    credits it before any payment debits it, and payment *n* is posted before reversal *n*.
    A blocked payout (amount out of bounds) requires none: they could not be stored, and it
    never pays anything.
    """
    if p.blocked_reason:
        return []
    fee, pf, cur = p.amount.amount_minor, p.platform_fee.amount_minor, p.amount.currency
    accrual = [_dr(receivable(p.company_id), fee + pf, cur), _cr(payable(p.student_id), fee, cur)]
    if pf:
        accrual.append(_cr(PLATFORM_REVENUE, pf, cur))
    entries = [_entry(p, EntryKind.ACCRUAL, 0, accrual, now)]
    clear = clearing(p.provider or "unknown")
    for n in range(1, p.payments + 1):
        pay = [_dr(payable(p.student_id), fee, cur), _cr(clear, fee, cur)]
        entries.append(_entry(p, EntryKind.PAYMENT, n, pay, now))
        if n <= p.returns:
            back = [_dr(clear, fee, cur), _cr(payable(p.student_id), fee, cur)]
            entries.append(_entry(p, EntryKind.PAYMENT_REVERSAL, n, back, now))
    if p.status is PayoutStatus.CANCELLED:
        cancel = [
            _dr(payable(p.student_id), fee, cur),
            _cr(receivable(p.company_id), fee + pf, cur),
        ]
        if pf:
            cancel.append(_dr(PLATFORM_REVENUE, pf, cur))
        entries.append(_entry(p, EntryKind.CANCELLATION, 0, cancel, now))
    return entries


class Balances:
    """Running account balances (debit minus credit) per (account, currency)."""

    def __init__(self) -> None:
        self.net: dict[tuple[str, str], int] = {}

    def add(self, entry: JournalEntry) -> None:
        for p in entry.postings:
            key = (p.account, p.currency)
            self.net[key] = self.net.get(key, 0) + p.debit - p.credit

    def payable_owed(self, student_id: str, currency: str) -> int:
        """What the platform owes the student (a liability: credit minus debit)."""
        return -self.net.get((payable(student_id), currency), 0)

    def negative_payables(self) -> list[tuple[str, str, int]]:
        """Liabilities with more taken out than put in: a student's payable (paid more than
        earned) or a company's escrow (released or refunded more than charged)."""
        return [
            (acct, cur, -net)
            for (acct, cur), net in sorted(self.net.items())
            if acct.startswith(("payable:student:", "escrow:company:")) and net > 0
        ]

    def out_of_range(self) -> list[tuple[str, str, int]]:
        """Balances that no longer fit int64 (sums are Python ints here, but would not survive
        being stored or sent)."""
        return [
            (acct, cur, net) for (acct, cur), net in sorted(self.net.items()) if not fits_int64(net)
        ]
