"""An admin's goodwill refund: only once the work was paid for, at most the platform fee the
company itself paid on the released work, once; the provider refunds it, revenue pays for it,
a goodwill credit note documents it, and the ledger check and the reconciliation stay clean."""

from __future__ import annotations

from datetime import timedelta

import pytest

from payouts.domain.errors import InvalidTransition
from payouts.domain.invoice import InvoiceKind
from payouts.domain.ledger import PLATFORM_REVENUE, Balances
from payouts.handlers import check
from stint.kit.errors import InvalidArgument, PermissionDenied
from stint.kit.money import Money

from .report_fakes import reports_of
from .world import ADMIN, World, employer


def net(w: World) -> dict[tuple[str, str], int]:
    b = Balances()
    for entry in w.repo.entries.values():
        b.add(entry)
    return b.net


async def test_a_goodwill_refund_comes_out_of_revenue_once_and_only_after_payment() -> None:
    w = World()
    await w.set_method()
    await w.hire("eng_01", fee=60_000)  # platform fee 6_000
    with pytest.raises(InvalidTransition):  # not paid for yet: cancel or dispute instead
        await w.handlers.goodwill.refund(ADMIN, "fnd_01", Money(1_000, "USD"), "late brief")
    await w.approve_funded("eng_01", fee=60_000)
    with pytest.raises(PermissionDenied):
        await w.handlers.goodwill.refund(employer("cmp_c1"), "fnd_01", Money(1, "USD"), "x")
    for bad in (Money(6_001, "USD"), Money(0, "USD"), Money(100, "EUR")):
        with pytest.raises(InvalidArgument):
            await w.handlers.goodwill.refund(ADMIN, "fnd_01", bad, "late brief")
    f = await w.handlers.goodwill.refund(ADMIN, "fnd_01", Money(2_500, "USD"), "late brief")
    assert f.goodwill is not None
    assert f.goodwill.amount == Money(2_500, "USD")
    with pytest.raises(InvalidTransition):  # once
        await w.handlers.goodwill.refund(ADMIN, "fnd_01", Money(100, "USD"), "again")
    refunds = [r for r in w.charges._store.records.values() if r["kind"] == "refund"]  # type: ignore[attr-defined]
    assert [(r["_id"], r["amount_minor"]) for r in refunds] == [("fnd_01.goodwill", 2_500)]
    assert -net(w)[(PLATFORM_REVENUE, "USD")] == 6_000 - 2_500
    note = w.invoices.invoices["crg_01"]
    assert (note.kind, note.total.amount_minor) == (InvoiceKind.GOODWILL_CREDIT_NOTE, -2_500)
    report = await check(w.repo, w.fundings)
    assert (report.violations, report.repairs_pending) == ([], 0)


async def test_a_goodwill_refund_reconciles_with_the_providers_record() -> None:
    w = World()
    await w.set_method()
    await w.hire("eng_02", fee=60_000)
    await w.approve_funded("eng_02", fee=60_000)
    await w.handlers.goodwill.refund(ADMIN, "fnd_02", Money(1_000, "USD"), "delayed review")
    day = (w.clock.now() - timedelta(hours=1), w.clock.now() + timedelta(hours=1))
    found = await reports_of(w).reconciler.reconcile(ADMIN.actor, *day)
    assert found.findings == []
    assert (found.records, found.matched) == (2, 2)  # the charge and the goodwill refund
