"""A kill fee or a dispute's partial release: the intern is paid that share of the fee, the
platform keeps the same share of its fee, the company is refunded the rest once (the provider,
the journal and a credit note for the refunded part agree); all or nothing behave as an
approval or a cancellation."""

from __future__ import annotations

from dataclasses import replace

import pytest

from payouts.domain.errors import InvalidTransition
from payouts.domain.escrow import escrow
from payouts.domain.funding import FundingStatus as F
from payouts.domain.invoice import InvoiceStatus as I
from payouts.domain.ledger import PLATFORM_REVENUE, Balances, payable, receivable
from payouts.domain.settlement import platform_share, refund_total, released_total
from payouts.handlers import check
from stint.kit.money import Money

from .world import World


def balances(w: World) -> Balances:
    b = Balances()
    for entry in w.repo.entries.values():
        b.add(entry)
    return b


def refunds_at_provider(w: World) -> list[int]:
    store = w.charges._store
    return [r["amount_minor"] for r in store.records.values() if r["kind"] == "refund"]  # type: ignore[attr-defined]


async def test_a_kill_fee_pays_the_intern_its_share_and_refunds_the_rest_once() -> None:
    w = World()
    await w.set_method()
    await w.hire("eng_01", fee=60_000)  # total 66_000 with the 10 % platform fee
    await w.kill("eng_01", 15_000, fee=60_000)
    await w.kill("eng_01", 15_000, fee=60_000)  # redelivered: nothing twice
    f = w.funding("eng_01")
    assert f.status is F.SETTLED
    assert (released_total(f).amount_minor, refund_total(f).amount_minor) == (16_500, 49_500)
    assert refunds_at_provider(w) == [49_500]
    payout = w.payout("eng_01")
    assert (payout.amount.amount_minor, payout.platform_fee.amount_minor) == (15_000, 1_500)
    b = balances(w).net
    assert b.get((escrow("cmp_c1"), "USD"), 0) == 0
    assert b.get((receivable("cmp_c1"), "USD"), 0) == 0
    assert -b.get((payable("usr_s1"), "USD"), 0) == 15_000
    assert -b.get((PLATFORM_REVENUE, "USD"), 0) == 1_500
    report = await check(w.repo, w.fundings)
    assert (report.violations, report.repairs_pending) == ([], 0)
    invoice, credit = w.invoices.invoices["inv_01"], w.invoices.invoices["crn_01"]
    assert invoice.status is I.PAID  # partly credited: the released part stays paid
    assert credit.total.amount_minor == -49_500


@pytest.mark.parametrize(
    ("released", "status", "paid"), [(0, F.REFUNDED, None), (60_000, F.RELEASED, 60_000)]
)
async def test_a_dispute_releasing_all_or_nothing_is_an_approval_or_a_refund(
    released: int, status: F, paid: int | None
) -> None:
    w = World()
    await w.set_method()
    await w.hire("eng_02", fee=60_000)
    await w.resolve("eng_02", released, fee=60_000)
    assert w.funding("eng_02").status is status
    if paid is None:
        assert "pay_02" not in w.repo.payouts
    else:
        assert w.payout("eng_02").amount.amount_minor == paid
    report = await check(w.repo, w.fundings)
    assert report.violations == []


async def test_the_platform_share_rounds_half_up_and_the_whole_fee_carries_all_of_it() -> None:
    w = World()
    await w.set_method()
    f = replace(
        await w.hire("eng_03", fee=10_001) or w.funding("eng_03"), platform_fee=Money(1_000, "USD")
    )
    assert platform_share(f, Money(10_001, "USD")).amount_minor == 1_000
    assert platform_share(f, Money(5_001, "USD")).amount_minor == 500  # 500.04…
    assert platform_share(f, Money(5_006, "USD")).amount_minor == 501  # 500.54…
    with pytest.raises(InvalidTransition):
        f.refund(f.created_at, "x", "ref", Money(10_001, "USD"))  # not a part: all of it
    with pytest.raises(InvalidTransition):
        f.refund(f.created_at, "x", "ref", Money(100, "EUR"))


async def test_a_kill_fee_on_work_never_funded_pays_nothing() -> None:
    w = World()
    await w.hire("eng_04", fee=60_000)  # no method: it waits for funding
    await w.kill("eng_04", 15_000, fee=60_000)
    assert w.funding("eng_04").status is F.CANCELLED
    assert "pay_04" not in w.repo.payouts  # no escrow to pay a share from
