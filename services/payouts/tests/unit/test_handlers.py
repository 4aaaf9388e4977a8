"""Handlers and timers over the in-memory world: the payout lifecycle, end to end."""

from __future__ import annotations

from datetime import timedelta

import pytest

from payouts import metrics
from payouts.domain.commands import RegisterAccount
from payouts.domain.errors import InvalidTransition, PayoutNotFound
from payouts.domain.policy import Policy
from payouts.domain.values import PayoutStatus as S
from payouts.handlers import check
from payouts.handlers.ports import PayoutQuery
from stint.kit.actor import Actor, Cause
from stint.kit.errors import InvalidArgument, PermissionDenied, Unauthenticated
from stint.kit.paging import PageRequest

from .world import ADMIN, World, student

MINUTE = timedelta(minutes=1)


async def test_approval_with_account_is_sent_and_paid_with_balanced_entries() -> None:
    w = World()
    await w.register("usr_s1")
    p = await w.approve("eng_01a")
    assert p is not None
    assert (p.id, p.status, p.platform_fee.amount_minor) == ("pay_01a", S.PENDING, 1_000)
    await w.fire_timers()
    assert w.payout("eng_01a").status is S.PROCESSING
    await w.run_for(MINUTE)
    paid = w.payout("eng_01a")
    assert (paid.status, paid.payments, paid.attempts) == (S.PAID, 1, 1)
    assert w.event_types("pay_01a") == ["PayoutScheduled", "PayoutPaid"]
    assert sorted(w.repo.entries) == ["je_01a_accrual", "je_01a_payment_1"]
    assert (await check(w.repo, w.fundings)).violations == []


async def test_without_account_it_waits_on_hold_and_registration_resumes_it() -> None:
    w = World()
    await w.approve("eng_01b", student_id="usr_s2")
    await w.run_for(MINUTE)
    assert w.payout("eng_01b").status is S.ON_HOLD
    await w.register("usr_s2")
    assert w.payout("eng_01b").status is S.PENDING
    await w.run_for(MINUTE)
    assert w.payout("eng_01b").status is S.PAID
    assert w.event_types("pay_01b") == ["PayoutOnHold", "PayoutScheduled", "PayoutPaid"]


async def test_redelivery_changes_nothing_and_a_different_amount_is_alerted() -> None:
    w = World()
    first = await w.approve("eng_01c")
    before = metrics.AMOUNT_MISMATCH._value.get()
    again = await w.approve("eng_01c")
    assert again == first
    other = await w.approve("eng_01c", fee=99_999)
    assert other is not None
    assert other.amount.amount_minor == 10_000
    assert metrics.AMOUNT_MISMATCH._value.get() == before + 1
    assert len(w.repo.payouts) == 1
    assert w.event_types("pay_01c") == ["PayoutOnHold"]


async def test_retryable_failure_is_retried_by_the_timer_then_paid() -> None:
    w = World()
    await w.register("usr_s1", token="tok_flaky_0001")
    await w.approve("eng_01d")
    await w.run_for(timedelta(seconds=10))
    failed = w.payout("eng_01d")
    assert failed.status is S.FAILED
    assert failed.failure is not None
    assert (failed.failure.code, failed.failure.retryable) == ("could_not_process", True)
    await w.run_for(2 * MINUTE)
    paid = w.payout("eng_01d")
    assert (paid.status, paid.attempts, paid.payments) == (S.PAID, 2, 1)


async def test_final_failure_waits_for_the_student_to_fix_the_account() -> None:
    w = World()
    await w.register("usr_s1", token="tok_closed_0001")
    await w.approve("eng_01e")
    await w.run_for(10 * MINUTE)
    p = w.payout("eng_01e")
    assert (p.status, p.failure and p.failure.code, p.attempts) == (S.FAILED, "account_closed", 1)
    await w.register("usr_s1", token="tok_new_0002")
    await w.run_for(MINUTE)
    assert w.payout("eng_01e").status is S.PAID


async def test_late_return_after_paid_is_reversed_and_paid_again_after_a_fix() -> None:
    w = World(return_seconds=60)
    await w.register("usr_s1", token="tok_returned_01")
    await w.approve("eng_01f")
    await w.run_for(15 * MINUTE)
    p = w.payout("eng_01f")
    assert (p.status, p.payments, p.returns) == (S.FAILED, 1, 1)
    await w.register("usr_s1", token="tok_fixed_0001")
    await w.run_for(MINUTE)
    p = w.payout("eng_01f")
    assert (p.status, p.payments, p.attempts) == (S.PAID, 2, 2)
    assert sorted(w.repo.entries) == [
        "je_01f_accrual",
        "je_01f_payment_1",
        "je_01f_payment_2",
        "je_01f_payment_reversal_1",
    ]
    report = await check(w.repo, w.fundings)
    assert report.violations == []


async def test_engagement_cancelled_before_approval_means_no_payout() -> None:
    w = World()
    await w.handlers.payouts.on_engagement_cancelled("eng_01g", "employer left", Cause.system())
    assert await w.approve("eng_01g") is None
    assert w.repo.payouts == {}


async def test_engagement_cancelled_after_approval_cancels_an_unsent_payout() -> None:
    w = World()
    await w.approve("eng_01h")
    await w.handlers.payouts.on_engagement_cancelled("eng_01h", "fraud", Cause.system())
    p = w.payout("eng_01h")
    assert (p.status, p.cancel_reason) == (S.CANCELLED, "engagement cancelled: fraud")
    assert "je_01h_cancellation" in w.repo.entries
    assert (await check(w.repo, w.fundings)).violations == []


async def test_admin_cancel_and_retry_respect_states_and_roles() -> None:
    w = World()
    await w.approve("eng_01i")
    with pytest.raises(PermissionDenied):
        await w.handlers.payouts.cancel_payout(student("usr_s1"), "pay_01i", "x")
    with pytest.raises(InvalidArgument):
        await w.handlers.payouts.cancel_payout(ADMIN, "pay_01i", " ")
    with pytest.raises(InvalidTransition):
        await w.handlers.payouts.retry_payout(ADMIN, "pay_01i")
    cancelled = await w.handlers.payouts.cancel_payout(ADMIN, "pay_01i", "duplicate posting")
    assert cancelled.status is S.CANCELLED
    with pytest.raises(InvalidTransition):
        await w.handlers.payouts.cancel_payout(ADMIN, "pay_01i", "again")
    with pytest.raises(PayoutNotFound):
        await w.handlers.payouts.retry_payout(ADMIN, "pay_missing")


async def test_admin_retry_of_a_final_failure_sends_again() -> None:
    w = World()
    await w.register("usr_s1", token="tok_invalid_01")
    await w.approve("eng_01j")
    await w.run_for(MINUTE)
    assert w.payout("eng_01j").status is S.FAILED
    retried = await w.handlers.payouts.retry_payout(ADMIN, "pay_01j")
    assert retried.status is S.PENDING
    await w.run_for(MINUTE)
    assert w.payout("eng_01j").status is S.FAILED  # the sandbox still refuses this token
    assert w.payout("eng_01j").attempts == 2


async def test_crash_before_the_journal_insert_is_repaired_by_the_timer() -> None:
    w = World()
    w.repo.fail_entry_inserts = 1
    with pytest.raises(ConnectionError):
        await w.approve("eng_01k")
    assert w.payout("eng_01k").ledger_due_at is not None
    assert w.repo.entries == {}
    report = await check(
        w.repo, w.fundings
    )  # the failed insert is reported, not taken for a repair
    assert [(k, s) for k, s, _ in report.violations] == [("ledger_post_failed", "pay_01k")]
    assert report.repairs_pending == 0
    await w.run_for(MINUTE)
    assert "je_01k_accrual" in w.repo.entries
    assert w.payout("eng_01k").ledger_due_at is None
    assert (await check(w.repo, w.fundings)).violations == []


async def test_reads_are_scoped_to_the_caller() -> None:
    w = World()
    await w.approve("eng_01l", student_id="usr_a", company_id="cmp_a")
    await w.approve("eng_01m", student_id="usr_b", company_id="cmp_b")
    a = student("usr_a").actor
    mine = (await w.views.list_payouts(a, PayoutQuery(), PageRequest(20))).items
    assert [p.id for p in mine] == ["pay_01l"]
    employer = Actor("usr_e", "employer", "cmp_b")
    page = await w.views.list_payouts(employer, PayoutQuery(), PageRequest(20))
    assert [p.id for p in page.items] == ["pay_01m"]
    with pytest.raises(PayoutNotFound):
        await w.views.get_payout(a, "pay_01m")
    with pytest.raises(PermissionDenied):
        await w.views.list_payouts(a, PayoutQuery(student_id="usr_b"), PageRequest(20))
    with pytest.raises(Unauthenticated):
        await w.views.get_payout(Actor("", ""), "pay_01l")
    assert len((await w.views.list_payouts(ADMIN.actor, PayoutQuery(), PageRequest(1))).items) == 1


async def test_register_account_validates_every_field_at_once() -> None:
    w = World()
    bad = RegisterAccount("", "paypal", "x", "usa", "dollars")
    with pytest.raises(InvalidArgument) as err:
        await w.handlers.accounts.register_account(student("usr_s1"), bad)
    fields = {v.field for v in err.value.violations}
    assert fields == {"provider", "destination_token", "country", "currency"}
    with pytest.raises(PermissionDenied):
        await w.handlers.accounts.register_account(
            student("usr_s1"), RegisterAccount("usr_other", "", "tok_1234", "US", "USD")
        )


async def test_earnings_statement_counts_paid_payouts_by_company_and_flags_threshold() -> None:
    w = World()
    await w.register("usr_s1")
    await w.approve("eng_01n", fee=40_000, company_id="cmp_a")
    await w.approve("eng_01o", fee=25_000, company_id="cmp_b")
    await w.approve("eng_01p", fee=5_000, company_id="cmp_a")
    await w.handlers.payouts.cancel_payout(ADMIN, "pay_01p", "not owed")
    await w.run_for(MINUTE)
    s = await w.views.earnings(student("usr_s1").actor, "", 2026)
    # 2026: USD 650 is under the USD 2,000 threshold of payments after 2025 (it was USD 600).
    assert (s.count, [m.amount_minor for m in s.totals], s.threshold_reached) == (
        2,
        [65_000],
        False,
    )
    assert (s.threshold.amount_minor, s.threshold.currency, s.threshold_year) == (
        200_000,
        "USD",
        2026,
    )
    assert [(c, m.amount_minor, n) for c, m, n in s.by_company] == [
        ("cmp_a", 40_000, 1),
        ("cmp_b", 25_000, 1),
    ]
    other_year = await w.views.earnings(student("usr_s1").actor, "", 2025)
    assert (other_year.count, other_year.threshold_reached) == (0, False)
    with pytest.raises(InvalidArgument):
        await w.views.earnings(student("usr_s1").actor, "", 1999)
    # No year: the current UTC year (the world's clock is in 2026), as documented.
    unset = await w.views.earnings(student("usr_s1").actor, "", 0)
    assert (unset.year, unset.count) == (2026, 2)
    await w.approve("eng_01q", fee=135_000, company_id="cmp_b")
    await w.run_for(MINUTE)
    reached = await w.views.earnings(student("usr_s1").actor, "", 2026)
    assert ([m.amount_minor for m in reached.totals], reached.threshold_reached) == (
        [200_000],
        True,
    )


@pytest.mark.parametrize(
    ("year", "threshold", "since"),
    [(2024, 60_000, 2025), (2025, 60_000, 2025), (2026, 200_000, 2026), (2031, 200_000, 2026)],
)
def test_the_tax_form_threshold_is_the_tax_years_entry_of_the_table(
    year: int, threshold: int, since: int
) -> None:
    # USD 600 through 2025, USD 2,000 for payments after 2025 (Public Law 119-21 §70433).
    assert Policy().tax_form_threshold(year) == (threshold, since)
    later = Policy(tax_form_thresholds=((2025, 60_000), (2026, 200_000), (2027, 210_000)))
    assert later.tax_form_threshold(2031) == (210_000, 2027)
