"""GetMoneyTotals and ReconcileProvider over the in-memory world: real fundings and payouts,
then the sandbox's records or the journal changed behind the service's back."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from payouts.domain.commands import SetFundingMethod
from payouts.domain.reports import Granularity
from payouts.handlers.reports import OperatorReports, TotalsQuery
from stint.kit.errors import InvalidArgument, PermissionDenied
from stint.kit.money import Money

from .report_fakes import reports_of
from .world import ADMIN, World, employer

MARCH, APRIL = datetime(2026, 3, 1, tzinfo=UTC), datetime(2026, 4, 1, tzinfo=UTC)
DAY = (MARCH, MARCH + timedelta(days=1))


async def money_moved(world: World) -> OperatorReports:
    """eng_1 funded, approved and paid; eng_2 funded and cancelled (refunded)."""
    await world.set_method()
    await world.register("usr_s1")
    await world.hire("eng_1")
    await world.hire("eng_2")
    await world.approve_funded("eng_1")
    await world.run_for(timedelta(seconds=30))
    await world.cancel("eng_2")
    assert world.payout("eng_1").status.value == "PAID"
    return reports_of(world)


async def test_totals_sum_the_months_money_and_the_balances_at_its_end() -> None:
    world = World()
    reports = await money_moved(world)
    query = TotalsQuery(MARCH, APRIL, Granularity.MONTH)
    found = await reports.totals.money_totals(ADMIN.actor, query)
    [row] = found.rows
    assert (row.currency, row.start, row.end) == ("USD", MARCH, APRIL)
    assert (row.escrow_charged, row.escrow_released, row.escrow_refunded) == (22000, 11000, 11000)
    assert (row.revenue, row.paid_out, row.returned, row.invoice_payments) == (1000, 10000, 0, 0)
    [closing] = found.balances
    assert (closing.escrow_held, closing.owed_to_interns, closing.invoiced_unpaid) == (0, 0, 0)
    assert found.entries_read == len(world.repo.entries)


async def test_totals_by_day_and_balances_held_before_the_money_left() -> None:
    world = World()
    await world.set_method()
    await world.hire("eng_1")  # 1 March: charged into escrow, nothing else yet
    world.clock.advance(timedelta(days=2))
    await world.approve_funded("eng_1")  # 3 March: released, accrued (no account: held)
    reports = reports_of(world)
    query = TotalsQuery(MARCH, MARCH + timedelta(days=3), Granularity.DAY)
    found = await reports.totals.money_totals(ADMIN.actor, query)
    assert [(r.start.day, r.escrow_charged, r.escrow_released) for r in found.rows] == [
        (1, 11000, 0),
        (3, 0, 11000),
    ]
    held = await reports.totals.money_totals(ADMIN.actor, TotalsQuery(*DAY))
    [closing] = held.balances
    assert (closing.escrow_held, closing.owed_to_interns) == (11000, 0)
    [closing] = found.balances
    assert (closing.escrow_held, closing.owed_to_interns) == (0, 10000)


async def test_only_admins_and_only_sane_ranges() -> None:
    reports = reports_of(World())
    with pytest.raises(PermissionDenied):
        await reports.totals.money_totals(employer("cmp_c1").actor, TotalsQuery(MARCH, APRIL))
    with pytest.raises(PermissionDenied):
        await reports.reconciler.reconcile(employer("cmp_c1").actor, *DAY)
    with pytest.raises(InvalidArgument):
        await reports.totals.money_totals(ADMIN.actor, TotalsQuery(APRIL, MARCH))
    with pytest.raises(InvalidArgument):
        await reports.reconciler.reconcile(ADMIN.actor, MARCH, APRIL + timedelta(days=1))
    with pytest.raises(InvalidArgument) as refused:
        await reports.reconciler.reconcile(ADMIN.actor, *DAY, "acme_pay")
    assert [v.field for v in refused.value.violations] == ["provider"]


async def test_a_clean_ledger_reconciles_every_record() -> None:
    world = World()
    reports = await money_moved(world)
    found = await reports.reconciler.reconcile(ADMIN.actor, *DAY)
    assert found.findings == []
    # two charges, one refund, one payout; their escrow_charge, escrow_refund, payment entries
    assert (found.records, found.entries, found.matched, found.pending) == (4, 4, 4, 0)


async def test_a_changed_record_is_a_finding_not_an_error() -> None:
    world = World()
    reports = await money_moved(world)
    charges = world.charges._store.records  # type: ignore[attr-defined]
    charges["fnd_1.1"]["amount_minor"] = 10999
    charges["fnd_2.refund"]["currency"] = "EUR"
    del world.repo.entries["je_1_payment_1"]
    found = await reports.reconciler.reconcile(ADMIN.actor, *DAY)
    kinds = sorted((f.kind.value, f.source_id) for f in found.findings)
    assert kinds == [
        ("amount_mismatch", "fnd_1"),
        ("currency_mismatch", "fnd_2"),
        ("missing_in_ledger", "pay_1"),
    ]
    mismatch = next(f for f in found.findings if f.kind.value == "amount_mismatch")
    assert mismatch.record is not None
    assert mismatch.record.amount.amount_minor == 10999
    assert mismatch.ledger_amount is not None
    assert mismatch.ledger_amount.amount_minor == 11000
    assert (mismatch.record.id, mismatch.entry_id) == ("fnd_1.1", "je_1_escrow_charge")


async def test_an_entry_without_a_record_is_missing_at_the_provider() -> None:
    world = World()
    reports = await money_moved(world)
    del world.sandbox._store.records["pay_1.1"]  # type: ignore[attr-defined]
    found = await reports.reconciler.reconcile(ADMIN.actor, *DAY)
    assert [(f.kind.value, f.entry_id) for f in found.findings] == [
        ("missing_at_provider", "je_1_payment_1")
    ]


async def test_an_entry_still_being_posted_is_pending() -> None:
    world = World()
    reports = await money_moved(world)
    del world.repo.entries["je_1_payment_1"]
    payout = world.payout("eng_1")
    world.repo.payouts[payout.id] = replace(payout, ledger_due_at=world.clock.now())
    found = await reports.reconciler.reconcile(ADMIN.actor, *DAY)
    assert (found.findings, found.pending) == ([], 1)


async def test_a_returned_payment_pairs_with_its_reversal_and_is_pending_until_observed() -> None:
    world = World()
    await world.set_method()
    await world.register("usr_s1", token="tok_returned_1234")
    await world.hire("eng_1")
    await world.approve_funded("eng_1")
    reports = reports_of(world)
    await world.run_for(timedelta(minutes=2))  # paid, and returned at the provider
    found = await reports.reconciler.reconcile(ADMIN.actor, *DAY)
    assert (found.findings, found.pending, found.matched) == ([], 1, 2)
    await world.run_for(timedelta(minutes=10))  # the return watch saw it: reversed
    found = await reports.reconciler.reconcile(ADMIN.actor, *DAY)
    assert (found.findings, found.pending, found.matched) == ([], 0, 3)


async def test_invoice_terms_have_no_provider_records_and_are_skipped() -> None:
    world = World()
    cmd = SetFundingMethod("cmp_c1", "INVOICE", "", "po_1234", "USD", Money(100_000, "USD"), 30)
    await world.handlers.funding.set_method(ADMIN, cmd)
    await world.hire("eng_1")
    assert world.funding("eng_1").status.value == "FUNDED"
    found = await reports_of(world).reconciler.reconcile(ADMIN.actor, *DAY)
    assert (found.findings, found.records, found.entries) == ([], 0, 0)
