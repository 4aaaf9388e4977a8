"""Money in over the in-memory world: a hire is charged into escrow, approval releases it,
cancellation refunds it; declines wait for a method or a retry; nobody is charged twice."""

from __future__ import annotations

import pytest

from payouts.domain import escrow
from payouts.domain.commands import SetFundingMethod
from payouts.domain.errors import InvalidTransition
from payouts.domain.funding import FundingStatus as F
from payouts.domain.ledger import Balances, receivable
from payouts.handlers import check
from payouts.handlers.funding_ports import FundingQuery
from payouts.handlers.funding_writer import FundingNotFound
from stint.kit.errors import InvalidArgument, PermissionDenied
from stint.kit.paging import PageRequest

from .world import ADMIN, World, employer, student


def balances(w: World) -> Balances:
    b = Balances()
    for entry in w.repo.entries.values():
        b.add(entry)
    return b


def events(w: World, subject: str) -> list[str]:
    return [e.type.rsplit(".", 1)[1] for e in w.repo.published if e.subject == subject]


async def test_card_funded_hire_is_held_in_escrow_and_released_on_approval() -> None:
    w = World()
    await w.set_method()
    await w.register("usr_s1")
    f = await w.hire("eng_01")
    assert f is not None
    assert (f.status, f.attempts, f.total.amount_minor) == (F.FUNDED, 1, 11_000)
    assert f.provider_reference == "sbx_ch_fnd_01.1"
    b = balances(w)
    assert b.net[(escrow.escrow("cmp_c1"), "USD")] == -11_000  # held for the company
    await w.approve_funded("eng_01")
    released = w.funding("eng_01")
    assert released.status is F.RELEASED
    assert events(w, "fnd_01") == ["FundingSecured", "FundingReleased"]
    b = balances(w)
    assert b.net[(escrow.escrow("cmp_c1"), "USD")] == 0
    assert b.net[(receivable("cmp_c1"), "USD")] == 0  # the accrual's receivable is settled
    assert b.payable_owed("usr_s1", "USD") == 10_000
    assert b.net[("revenue:platform", "USD")] == -1_000
    report = await check(w.repo, w.fundings)
    assert (report.violations, report.fundings) == ([], 1)


async def test_a_hire_without_a_method_waits_and_is_charged_when_one_is_registered() -> None:
    w = World()
    f = await w.hire("eng_02")
    assert f is not None
    assert f.status is F.AWAITING_FUNDING
    assert f.decline is not None
    assert f.decline.code == "no_funding_method"
    assert f.attempts == 0
    assert w.repo.entries == {}
    await w.hire("eng_02")  # a redelivered hire: the same answer, no second notice
    assert events(w, "fnd_02") == ["FundingDeclined"]
    await w.set_method()
    assert w.funding("eng_02").status is F.FUNDED
    assert events(w, "fnd_02") == ["FundingDeclined", "FundingSecured"]
    assert (await check(w.repo, w.fundings)).violations == []


async def test_a_declined_card_waits_for_a_retry_or_another_method() -> None:
    w = World()
    await w.set_method(token="tok_declined_0002")
    f = await w.hire("eng_03")
    assert f is not None
    assert f.status is F.AWAITING_FUNDING
    assert f.decline is not None
    assert f.decline.code == "card_declined"
    assert f.attempts == 1
    again = await w.handlers.funding.retry(employer("cmp_c1"), "fnd_03")
    assert again.status is F.AWAITING_FUNDING
    assert again.attempts == 2
    await w.set_method(token="tok_card_4242")
    funded = w.funding("eng_03")
    assert (funded.status, funded.attempts, funded.decline) == (F.FUNDED, 3, None)
    assert events(w, "fnd_03") == [
        "FundingDeclined",
        "FundingDeclined",
        "FundingSecured",
    ]
    with pytest.raises(InvalidTransition):
        await w.handlers.funding.retry(employer("cmp_c1"), "fnd_03")


async def test_a_method_in_another_currency_is_refused_without_calling_the_provider() -> None:
    w = World()
    await w.set_method(token="tok_card_eur1", currency="EUR")
    f = await w.hire("eng_04")
    assert f is not None
    assert f.decline is not None
    assert (f.status, f.decline.code, f.attempts) == (F.AWAITING_FUNDING, "currency_mismatch", 0)
    assert "USD" in f.decline.message
    assert "EUR" in f.decline.message


async def test_cancelling_a_funded_engagement_refunds_it_and_every_account_is_zero() -> None:
    w = World()
    await w.set_method()
    await w.hire("eng_05")
    await w.cancel("eng_05")
    await w.cancel("eng_05")  # redelivered: one refund
    f = w.funding("eng_05")
    assert f.status is F.REFUNDED
    assert f.refund_reference == "sbx_rf_fnd_05.refund"
    assert events(w, "fnd_05") == ["FundingSecured", "FundingRefunded"]
    assert all(net == 0 for net in balances(w).net.values())
    assert (await check(w.repo, w.fundings)).violations == []


async def test_cancelling_before_funding_charges_nothing_and_a_late_hire_is_ignored() -> None:
    w = World()
    await w.hire("eng_06")
    await w.cancel("eng_06")
    assert w.funding("eng_06").status is F.CANCELLED
    await w.set_method()  # the cancelled funding is not charged by a new method
    assert w.funding("eng_06").status is F.CANCELLED
    await w.cancel("eng_07")  # cancelled before its hire reached us
    assert await w.hire("eng_07") is None
    assert w.repo.entries == {}


async def test_a_crash_after_the_attempt_began_is_finished_with_the_same_key() -> None:
    w = World()
    await w.set_method()
    calls: list[str] = []
    real = w.charges.charge

    async def crash_once(request):  # type: ignore[no-untyped-def]
        calls.append(request.idempotency_key)
        if len(calls) == 1:
            raise ConnectionError("provider unreachable")
        return await real(request)

    w.charges.charge = crash_once  # type: ignore[method-assign]
    with pytest.raises(ConnectionError):
        await w.hire("eng_08")
    stuck = w.funding("eng_08")
    assert stuck.charging
    assert stuck.charge_due_at is not None
    w.clock.advance(w.policy.ledger_repair_delay)
    await w.fire_timers()
    f = w.funding("eng_08")
    assert (f.status, f.attempts, f.charge_due_at) == (F.FUNDED, 1, None)
    assert calls == ["fnd_08.1", "fnd_08.1"]
    assert events(w, "fnd_08") == ["FundingSecured"]


async def test_who_may_set_see_and_retry_fundings() -> None:
    w = World()
    await w.hire("eng_09", company_id="cmp_c1", student_id="usr_s9")
    other = employer("cmp_other", "usr_e2")
    cmd = SetFundingMethod("cmp_c1", "CARD", "", "tok_card_4242", "USD")
    with pytest.raises(PermissionDenied):
        await w.handlers.funding.set_method(other, cmd)
    with pytest.raises(FundingNotFound):
        await w.handlers.funding_views.get_funding(other.actor, "fnd_09")
    with pytest.raises(FundingNotFound):
        await w.handlers.funding.retry(other, "fnd_09")
    seen = await w.handlers.funding_views.get_funding(student("usr_s9").actor, "fnd_09")
    assert seen.student_id == "usr_s9"
    with pytest.raises(PermissionDenied):
        await w.handlers.funding.retry(student("usr_s9"), "fnd_09")
    mine = await w.handlers.funding_views.list_fundings(
        employer("cmp_c1").actor, FundingQuery(), PageRequest(size=10)
    )
    assert [f.id for f in mine.items] == ["fnd_09"]
    theirs = await w.handlers.funding_views.list_fundings(
        other.actor, FundingQuery(), PageRequest(size=10)
    )
    assert theirs.items == []
    with pytest.raises(InvalidArgument):
        await w.handlers.funding_views.get_method(ADMIN.actor, "")


async def test_an_invalid_method_is_refused_with_every_field_named() -> None:
    w = World()
    with pytest.raises(InvalidArgument) as refused:
        await w.handlers.funding.set_method(
            employer("cmp_c1"), SetFundingMethod("", "", "nope", "x", "usd")
        )
    fields = sorted(v.field for v in refused.value.violations)
    assert fields == ["currency", "kind", "provider", "token"]
