"""Operators' money totals (pure): journal entries summed per UTC period and currency, and the
balances the platform holds at the end of the range.

Periods are calendar days, ISO weeks (Monday 00:00 UTC) or calendar months, clipped to the
requested range [start, end); a period and currency with no entries has no row (a report of
a quiet year is short, and a currency never seen would need zeros in every period). UTC has
no daylight saving, so every day is 24 hours and every week 7 days.

What each column sums (minor units, per currency; `amount` = the entry's debits):
escrow charged / released / refunded and invoice payments: the entries of that kind; paid
out: payment entries; returned: payment reversals; revenue: credits minus debits of
``revenue:platform`` (an accrual credits the platform fee, a cancellation debits it back).
"""

from __future__ import annotations

import enum
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from payouts.domain.ledger import PLATFORM_REVENUE, EntryKind, JournalEntry
from stint.kit.errors import FieldViolation, InvalidArgument

MAX_TOTALS_DAYS = 366


class Granularity(enum.StrEnum):
    DAY = "DAY"
    WEEK = "WEEK"
    MONTH = "MONTH"


def validate_range(
    start: datetime | None, end: datetime | None, max_days: int
) -> tuple[datetime, datetime]:
    """`start` < `end`, both given, at most `max_days` apart (every violation at once)."""
    v = [
        FieldViolation(f, "is required")
        for f, t in (("from_time", start), ("to_time", end))
        if t is None
    ]
    if start is not None and end is not None:
        if end <= start:
            v.append(FieldViolation("to_time", "must be after from_time"))
        elif end - start > timedelta(days=max_days):
            v.append(FieldViolation("to_time", f"must be at most {max_days} days after from_time"))
    if v or start is None or end is None:
        raise InvalidArgument("; ".join(f"{x.field}: {x.description}" for x in v), v)
    return start, end


def period_start(at: datetime, granularity: Granularity) -> datetime:
    """The start of the UTC period holding `at`."""
    at = at.astimezone(UTC)
    day = datetime(at.year, at.month, at.day, tzinfo=UTC)
    if granularity is Granularity.DAY:
        return day
    if granularity is Granularity.WEEK:
        return day - timedelta(days=day.weekday())  # Monday is 0
    return day.replace(day=1)


def next_period(start: datetime, granularity: Granularity) -> datetime:
    """The start of the period after the one starting at `start`."""
    if granularity is Granularity.DAY:
        return start + timedelta(days=1)
    if granularity is Granularity.WEEK:
        return start + timedelta(days=7)
    return (
        start.replace(year=start.year + 1, month=1)
        if start.month == 12
        else start.replace(month=start.month + 1)
    )


@dataclass
class PeriodTotals:
    start: datetime
    end: datetime
    currency: str
    escrow_charged: int = 0
    escrow_released: int = 0
    escrow_refunded: int = 0
    revenue: int = 0
    paid_out: int = 0
    returned: int = 0
    invoice_payments: int = 0
    entries: int = 0


@dataclass
class ClosingBalances:
    currency: str
    escrow_held: int = 0
    owed_to_interns: int = 0
    invoiced_unpaid: int = 0


_COLUMN = {
    EntryKind.ESCROW_CHARGE: "escrow_charged",
    EntryKind.ESCROW_RELEASE: "escrow_released",
    EntryKind.ESCROW_REFUND: "escrow_refunded",
    EntryKind.PAYMENT: "paid_out",
    EntryKind.PAYMENT_REVERSAL: "returned",
    EntryKind.INVOICE_PAYMENT: "invoice_payments",
    # A sponsor's share moves into and out of escrow like the company's, and its transfer is
    # an invoice payment too.
    EntryKind.SPONSOR_CHARGE: "escrow_charged",
    EntryKind.SPONSOR_REFUND: "escrow_refunded",
    EntryKind.SPONSOR_PAYMENT: "invoice_payments",
}


class MoneyTotals:
    """Feed it every entry posted before `end` (any order, one pass); it keeps one row per
    period and currency in [start, end) and the running balances for the end."""

    def __init__(
        self, start: datetime, end: datetime, granularity: Granularity, currency: str = ""
    ) -> None:
        self.start, self.end, self.granularity, self.currency = start, end, granularity, currency
        self.entries_read = 0
        self._rows: dict[tuple[datetime, str], PeriodTotals] = {}
        self._balances: dict[str, ClosingBalances] = defaultdict(lambda: ClosingBalances(""))

    def add(self, entry: JournalEntry) -> None:
        if entry.created_at >= self.end:
            return
        self.entries_read += 1
        for p in entry.postings:
            if self.currency and p.currency != self.currency:
                continue
            self._balance(p.account, p.currency, p.credit - p.debit)
        if entry.created_at >= self.start:
            self._count(entry)

    def _balance(self, account: str, currency: str, credit_net: int) -> None:
        b = self._balances[currency]
        b.currency = currency
        if account.startswith("escrow:company:"):
            b.escrow_held += credit_net
        elif account.startswith("payable:student:"):
            b.owed_to_interns += credit_net
        elif account.startswith(("invoiced:company:", "sponsor:")):
            b.invoiced_unpaid -= credit_net

    def _count(self, entry: JournalEntry) -> None:
        begin = period_start(entry.created_at, self.granularity)
        clipped = max(begin, self.start), min(next_period(begin, self.granularity), self.end)
        for currency in sorted({p.currency for p in entry.postings}):
            if self.currency and currency != self.currency:
                continue
            row = self._rows.setdefault(
                (clipped[0], currency), PeriodTotals(clipped[0], clipped[1], currency)
            )
            row.entries += 1
            mine = [p for p in entry.postings if p.currency == currency]
            column = _COLUMN.get(entry.kind)
            if column:
                setattr(row, column, getattr(row, column) + sum(p.debit for p in mine))
            row.revenue += sum(p.credit - p.debit for p in mine if p.account == PLATFORM_REVENUE)

    def rows(self) -> list[PeriodTotals]:
        """In period, then currency order."""
        return [self._rows[key] for key in sorted(self._rows)]

    def balances(self) -> list[ClosingBalances]:
        """Per currency seen before `end`, in currency order."""
        return [self._balances[c] for c in sorted(self._balances)]
