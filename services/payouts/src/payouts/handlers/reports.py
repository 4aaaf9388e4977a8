"""GetMoneyTotals (admin): the money that moved per period, and what is held at the end.

One streaming pass over the entries posted before the range's end (`JournalReader.posted_before`,
an indexed range on MongoDB): the entries inside the range are summed per period and currency,
all of them into the closing balances. O(entries before the end): an operator's report, never
on a hot path; a cached balance projection would make the balances O(entries in the range).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from payouts.domain.access import require_admin
from payouts.domain.reports import (
    MAX_TOTALS_DAYS,
    ClosingBalances,
    Granularity,
    MoneyTotals,
    PeriodTotals,
    validate_range,
)
from payouts.handlers.reconciliation import Reconciler
from payouts.handlers.report_ports import JournalReader
from stint.kit.actor import Actor


@dataclass(frozen=True)
class TotalsQuery:
    start: datetime | None
    end: datetime | None
    granularity: Granularity = Granularity.MONTH
    currency: str = ""


@dataclass(frozen=True)
class TotalsReport:
    rows: list[PeriodTotals]
    balances: list[ClosingBalances]
    entries_read: int


@dataclass
class Reports:
    journal: JournalReader

    async def money_totals(self, actor: Actor, query: TotalsQuery) -> TotalsReport:
        """GetMoneyTotals (admin): rows per period and currency in [start, end), balances at end."""
        require_admin(actor)
        start, end = validate_range(query.start, query.end, MAX_TOTALS_DAYS)
        totals = MoneyTotals(start, end, query.granularity, query.currency)
        async for entry in self.journal.posted_before(end):
            totals.add(entry)
        return TotalsReport(totals.rows(), totals.balances(), totals.entries_read)


@dataclass(frozen=True)
class OperatorReports:
    """The operators' money reports, wired by the bootstrap beside `Handlers`."""

    totals: Reports
    reconciler: Reconciler
