"""Ledger balancing: every planned entry balances, ids are deterministic, check() finds faults."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from payouts.domain.ledger import (
    PLATFORM_REVENUE,
    Balances,
    EntryKind,
    JournalEntry,
    LedgerPosting,
    malformed_postings,
    payable,
    plan,
    receivable,
    unbalanced_currencies,
)
from payouts.domain.model import Payout
from payouts.domain.values import Failure, PayoutStatus, platform_fee
from payouts.handlers import check
from stint.kit.money import Money

from .fakes import MemoryRepository
from .funding_fakes import MemoryFundingStore

NOW = datetime(2026, 3, 1, tzinfo=UTC)


def payout(**kw: object) -> Payout:
    base = Payout(
        id="pay_01jx",
        engagement_id="eng_01jx",
        company_id="cmp_1",
        student_id="usr_s",
        posting_title="t",
        amount=Money(12_345, "USD"),
        platform_fee=Money(1_235, "USD"),
        status=PayoutStatus.PENDING,
        created_at=NOW,
        updated_at=NOW,
        provider="sandbox",
    )
    return replace(base, **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("fee", "bps", "expected"),
    [(10_000, 1_000, 1_000), (12_345, 1_000, 1_235), (1, 1_000, 0), (5, 1_000, 1), (999, 0, 0)],
)
def test_platform_fee_is_basis_points_rounded_half_up(fee: int, bps: int, expected: int) -> None:
    assert platform_fee(Money(fee, "EUR"), bps) == Money(expected, "EUR")


def test_accrual_charges_company_fee_plus_platform_fee() -> None:
    [accrual] = plan(payout(), NOW)
    assert accrual.id == "je_01jx_accrual"
    assert accrual.kind is EntryKind.ACCRUAL
    assert set(accrual.postings) == {
        LedgerPosting(receivable("cmp_1"), 13_580, 0, "USD"),
        LedgerPosting(payable("usr_s"), 0, 12_345, "USD"),
        LedgerPosting(PLATFORM_REVENUE, 0, 1_235, "USD"),
    }


@pytest.mark.parametrize(
    "state",
    [
        {"status": PayoutStatus.ON_HOLD},
        {"status": PayoutStatus.PAID, "payments": 1},
        {"status": PayoutStatus.FAILED, "payments": 1, "returns": 1},
        {"status": PayoutStatus.PAID, "payments": 2, "returns": 1},
        {"status": PayoutStatus.CANCELLED},
        {"status": PayoutStatus.CANCELLED, "payments": 1, "returns": 1},
        {"status": PayoutStatus.CANCELLED, "platform_fee": Money(0, "USD")},
    ],
)
def test_every_planned_entry_balances_and_payable_ends_where_it_should(
    state: dict[str, object],
) -> None:
    p = payout(**state)
    entries = plan(p, NOW)
    balances = Balances()
    for entry in entries:
        assert unbalanced_currencies(entry) == []
        assert malformed_postings(entry) == []
        balances.add(entry)
        assert balances.negative_payables() == []  # at every step, in plan order
    outstanding = 0 if p.status in (PayoutStatus.PAID, PayoutStatus.CANCELLED) else 12_345
    assert balances.payable_owed("usr_s", "USD") == outstanding
    assert len({e.id for e in entries}) == len(entries)


def test_payment_then_reversal_then_payment_have_distinct_ids() -> None:
    ids = [e.id for e in plan(payout(status=PayoutStatus.PAID, payments=2, returns=1), NOW)]
    assert ids == [
        "je_01jx_accrual",
        "je_01jx_payment_1",
        "je_01jx_payment_reversal_1",
        "je_01jx_payment_2",
    ]


def test_an_unbalanced_entry_is_detected() -> None:
    bad = JournalEntry(
        "je_x_accrual",
        "pay_x",
        EntryKind.ACCRUAL,
        (
            LedgerPosting("a", 100, 0, "USD"),
            LedgerPosting("b", 0, 99, "USD"),
        ),
        NOW,
    )
    assert unbalanced_currencies(bad) == ["USD"]
    two_sided = replace(bad, postings=(LedgerPosting("a", 5, 5, "USD"),))
    assert malformed_postings(two_sided) == list(two_sided.postings)


async def test_check_reports_unbalanced_negative_missing_and_unexpected() -> None:
    repo = MemoryRepository()
    paid = payout(status=PayoutStatus.PAID, payments=1, version=3)
    repo.payouts[paid.id] = paid
    [_, payment] = plan(paid, NOW)
    repo.entries[payment.id] = payment  # accrual missing: payable goes negative
    stray = JournalEntry(
        "je_zz_accrual", "pay_zz", EntryKind.ACCRUAL, (LedgerPosting("a", 1, 0, "USD"),), NOW
    )
    repo.entries[stray.id] = stray
    report = await check(repo, MemoryFundingStore(repo.events, repo.published))
    kinds = sorted(k for k, _, _ in report.violations)
    assert kinds == ["missing_entry", "negative_payable", "unbalanced_entry", "unexpected_entry"]


async def test_check_of_a_consistent_ledger_is_clean_and_missing_with_repair_is_pending() -> None:
    repo = MemoryRepository()
    ok = payout(status=PayoutStatus.PAID, payments=1, version=3)
    repo.payouts[ok.id] = ok
    for entry in plan(ok, NOW):
        repo.entries[entry.id] = entry
    pending = payout(
        id="pay_02",
        engagement_id="eng_02",
        ledger_due_at=NOW,
        status=PayoutStatus.FAILED,
        failure=Failure("x", "y", True),
    )
    repo.payouts[pending.id] = pending
    report = await check(repo, MemoryFundingStore(repo.events, repo.published))
    assert report.violations == []
    assert (report.entries, report.payouts, report.repairs_pending) == (2, 2, 1)
