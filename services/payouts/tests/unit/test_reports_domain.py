"""Money totals per period (pure): UTC periods, clipping, columns, currencies, balances."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from payouts.domain.ledger import PLATFORM_REVENUE, EntryKind, JournalEntry, LedgerPosting
from payouts.domain.reports import (
    Granularity,
    MoneyTotals,
    next_period,
    period_start,
    validate_range,
)
from stint.kit.errors import InvalidArgument


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[arg-type,misc]


def entry(
    kind: EntryKind, when: datetime, *lines: tuple[str, int, int], currency: str = "USD"
) -> JournalEntry:
    postings = tuple(LedgerPosting(a, dr, cr, currency) for a, dr, cr in lines)
    return JournalEntry(f"je_{kind}_{when.isoformat()}", "", kind, postings, when)


def charge(when: datetime, amount: int, currency: str = "USD") -> JournalEntry:
    lines = (("clearing:sandbox", amount, 0), ("escrow:company:c1", 0, amount))
    return entry(EntryKind.ESCROW_CHARGE, when, *lines, currency=currency)


def accrual(when: datetime, fee: int, pf: int) -> JournalEntry:
    lines = (
        ("receivable:company:c1", fee + pf, 0),
        ("payable:student:s1", 0, fee),
        (PLATFORM_REVENUE, 0, pf),
    )
    return entry(EntryKind.ACCRUAL, when, *lines)


def payment(when: datetime, fee: int) -> JournalEntry:
    return entry(
        EntryKind.PAYMENT, when, ("payable:student:s1", fee, 0), ("clearing:sandbox", 0, fee)
    )


@pytest.mark.parametrize(
    ("when", "granularity", "start", "end"),
    [
        (at(2026, 3, 15, 13, 5), Granularity.DAY, at(2026, 3, 15), at(2026, 3, 16)),
        (at(2026, 3, 31, 23, 59), Granularity.DAY, at(2026, 3, 31), at(2026, 4, 1)),
        # 2026-03-15 is a Sunday: its ISO week began on Monday the 9th.
        (at(2026, 3, 15, 23), Granularity.WEEK, at(2026, 3, 9), at(2026, 3, 16)),
        (at(2026, 3, 16), Granularity.WEEK, at(2026, 3, 16), at(2026, 3, 23)),
        # A week across a year end; a month across one (no daylight saving in UTC).
        (at(2026, 1, 1), Granularity.WEEK, at(2025, 12, 29), at(2026, 1, 5)),
        (at(2025, 12, 31, 12), Granularity.MONTH, at(2025, 12, 1), at(2026, 1, 1)),
        (at(2024, 2, 29), Granularity.MONTH, at(2024, 2, 1), at(2024, 3, 1)),
    ],
)
def test_periods_start_and_end_on_utc_boundaries(
    when: datetime, granularity: Granularity, start: datetime, end: datetime
) -> None:
    assert period_start(when, granularity) == start
    assert next_period(start, granularity) == end


def test_a_time_in_another_zone_counts_in_its_utc_period() -> None:
    berlin = datetime(2026, 3, 29, 1, 30, tzinfo=UTC).astimezone()  # any local zone
    assert period_start(berlin, Granularity.DAY) == at(2026, 3, 29)


def test_each_column_sums_its_entries_and_revenue_is_net() -> None:
    totals = MoneyTotals(at(2026, 3, 1), at(2026, 4, 1), Granularity.MONTH)
    refund = entry(
        EntryKind.ESCROW_REFUND, at(2026, 3, 3), ("escrow:company:c1", 300, 0),
        ("clearing:sandbox", 0, 300),
    )  # fmt: skip
    release = entry(
        EntryKind.ESCROW_RELEASE, at(2026, 3, 4), ("escrow:company:c1", 1100, 0),
        ("receivable:company:c1", 0, 1100),
    )  # fmt: skip
    cancel = entry(
        EntryKind.CANCELLATION, at(2026, 3, 6), ("payable:student:s1", 500, 0),
        (PLATFORM_REVENUE, 50, 0), ("receivable:company:c1", 0, 550),
    )  # fmt: skip
    back = entry(
        EntryKind.PAYMENT_REVERSAL, at(2026, 3, 7), ("clearing:sandbox", 1000, 0),
        ("payable:student:s1", 0, 1000),
    )  # fmt: skip
    paid = entry(
        EntryKind.INVOICE_PAYMENT, at(2026, 3, 8), ("clearing:invoice", 700, 0),
        ("invoiced:company:c2", 0, 700),
    )  # fmt: skip
    for e in [charge(at(2026, 3, 2), 1100), charge(at(2026, 3, 2, 1), 300), refund, release]:
        totals.add(e)
    for e in [accrual(at(2026, 3, 4), 1000, 100), accrual(at(2026, 3, 5), 500, 50), cancel]:
        totals.add(e)
    for e in [payment(at(2026, 3, 6), 1000), back, payment(at(2026, 3, 9), 1000), paid]:
        totals.add(e)
    [row] = totals.rows()
    assert (row.start, row.end, row.currency, row.entries) == (
        at(2026, 3, 1),
        at(2026, 4, 1),
        "USD",
        11,
    )
    assert (row.escrow_charged, row.escrow_refunded, row.escrow_released) == (1400, 300, 1100)
    assert (row.paid_out, row.returned, row.invoice_payments) == (2000, 1000, 700)
    assert row.revenue == 100  # 100 + 50 recognised, 50 reversed by the cancellation


def test_rows_per_period_and_currency_clipped_to_the_range_quiet_periods_omitted() -> None:
    totals = MoneyTotals(at(2026, 3, 4, 12), at(2026, 3, 20), Granularity.WEEK)
    for e in [
        charge(at(2026, 3, 4, 11, 59), 1),  # before the range: only in the balances
        charge(at(2026, 3, 4, 12), 10),  # the range's first instant: counted
        charge(at(2026, 3, 5), 20, "EUR"),
        charge(at(2026, 3, 19, 23, 59), 40),
        charge(at(2026, 3, 20), 80),  # the end is exclusive: not counted, not in the balances
    ]:
        totals.add(e)
    rows = [(r.start, r.end, r.currency, r.escrow_charged) for r in totals.rows()]
    assert rows == [
        (at(2026, 3, 4, 12), at(2026, 3, 9), "EUR", 20),
        (at(2026, 3, 4, 12), at(2026, 3, 9), "USD", 10),
        # the week of 9 March had nothing: no row
        (at(2026, 3, 16), at(2026, 3, 20), "USD", 40),
    ]
    assert [(b.currency, b.escrow_held) for b in totals.balances()] == [("EUR", 20), ("USD", 51)]
    assert totals.entries_read == 4


def test_closing_balances_sum_every_account_of_a_kind() -> None:
    totals = MoneyTotals(at(2026, 3, 1), at(2026, 3, 2), Granularity.DAY)
    terms = entry(
        EntryKind.ESCROW_CHARGE, at(2026, 1, 5), ("invoiced:company:c2", 900, 0),
        ("escrow:company:c2", 0, 900),
    )  # fmt: skip
    for e in [charge(at(2026, 1, 1), 1100), terms, accrual(at(2026, 2, 1), 1000, 100)]:
        totals.add(e)
    totals.add(payment(at(2026, 2, 2), 400))
    [b] = totals.balances()
    assert (b.escrow_held, b.owed_to_interns, b.invoiced_unpaid) == (2000, 600, 900)
    assert totals.rows() == []  # nothing posted on 1 March


def test_a_currency_filter_keeps_one_currency() -> None:
    totals = MoneyTotals(at(2026, 3, 1), at(2026, 4, 1), Granularity.MONTH, "EUR")
    totals.add(charge(at(2026, 3, 2), 10))
    totals.add(charge(at(2026, 3, 3), 20, "EUR"))
    assert [(r.currency, r.escrow_charged) for r in totals.rows()] == [("EUR", 20)]
    assert [b.currency for b in totals.balances()] == ["EUR"]


@pytest.mark.parametrize(
    ("start", "end", "fields"),
    [
        (None, None, ["from_time", "to_time"]),
        (at(2026, 3, 2), at(2026, 3, 2), ["to_time"]),
        (at(2026, 3, 2), at(2026, 3, 1), ["to_time"]),
        (at(2025, 1, 1), at(2026, 1, 3), ["to_time"]),  # 367 days
    ],
)
def test_a_bad_range_names_its_fields(
    start: datetime | None, end: datetime | None, fields: list[str]
) -> None:
    with pytest.raises(InvalidArgument) as refused:
        validate_range(start, end, 366)
    assert [v.field for v in refused.value.violations] == fields


def test_the_longest_range_is_allowed() -> None:
    start = at(2024, 1, 1)
    assert validate_range(start, start + timedelta(days=366), 366) == (
        start,
        start + timedelta(days=366),
    )


def test_a_sponsors_share_counts_as_escrow_money_and_its_debt_as_unpaid_invoices() -> None:
    totals = MoneyTotals(at(2026, 3, 1), at(2026, 4, 1), Granularity.MONTH)
    share = entry(
        EntryKind.SPONSOR_CHARGE, at(2026, 3, 2), ("sponsor:university:u1", 500, 0),
        ("escrow:company:c1", 0, 500),
    )  # fmt: skip
    back = entry(
        EntryKind.SPONSOR_REFUND, at(2026, 3, 3), ("escrow:company:c1", 200, 0),
        ("sponsor:university:u1", 0, 200),
    )  # fmt: skip
    for e in [charge(at(2026, 3, 2), 500), share, back]:
        totals.add(e)
    [row] = totals.rows()
    assert (row.escrow_charged, row.escrow_refunded) == (1000, 200)
    [closing] = totals.balances()
    assert (closing.escrow_held, closing.invoiced_unpaid) == (800, 300)
