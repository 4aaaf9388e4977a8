"""Money bounds (design.md §10): a fee above the platform maximum is blocked, never sent or
posted; payouts the overflow broke before the bound are healed by the timers; sums that would
not fit int64 are clear errors or reported, never a crash in the driver or the serializer."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from payouts import metrics
from payouts.adapters import wire
from payouts.adapters.documents import entry_doc, payout_fields
from payouts.domain.errors import InvalidTransition
from payouts.domain.ledger import EntryKind, JournalEntry, LedgerPosting, plan
from payouts.domain.model import Payout
from payouts.domain.values import AMOUNT_OUT_OF_BOUNDS, platform_fee
from payouts.domain.values import PayoutStatus as S
from payouts.handlers import CheckReport, check
from stint.kit.money import INT64_MAX, AmountOverflow, Money

from .fakes import MemorySandboxStore
from .world import ADMIN, TEST_POLICY, World, student

MINUTE = timedelta(minutes=1)


def stored_before_the_bound(w: World, engagement: str, fee: int, **state: object) -> Payout:
    """A payout as the service stored it before amounts were bounded (fee straight from the
    event), put into the repository directly: storing it now would be refused."""
    now = w.clock.now()
    amount = Money(fee, "USD")
    p = Payout(
        id="pay_" + engagement.split("_", 1)[1],
        engagement_id=engagement,
        company_id="cmp_c1",
        student_id="usr_s1",
        posting_title="Market scan",
        amount=amount,
        platform_fee=platform_fee(amount, w.policy.platform_fee_bps),
        status=S.PENDING,
        created_at=now,
        updated_at=now,
        version=3,
    )
    p = replace(p, **state)  # type: ignore[arg-type]
    w.repo.payouts[p.id] = p
    return p


def violation_kinds(report: CheckReport) -> list[tuple[str, str]]:
    return [(kind, subject) for kind, subject, _ in report.violations]


def sent(w: World) -> list[str]:
    """Idempotency keys the sandbox provider received."""
    store = w.sandbox._store
    assert isinstance(store, MemorySandboxStore)
    return sorted(store.records)


async def test_an_approval_above_the_maximum_is_blocked_never_sent_and_reported() -> None:
    w = World()
    await w.register("usr_s1")
    blocked_before = metrics.PAYOUTS_BLOCKED._value.get()
    p = await w.approve("eng_01x", fee=INT64_MAX)  # the tester's fee: no crash, no retry loop
    assert p is not None
    assert p.status is S.FAILED
    assert p.failure is not None
    assert p.failure.code == AMOUNT_OUT_OF_BOUNDS
    assert not p.failure.retryable
    assert "platform maximum" in p.blocked_reason
    assert (p.next_attempt_at, p.next_poll_at, p.ledger_due_at) == (None, None, None)
    assert w.event_types(p.id) == ["PayoutFailed"]
    assert metrics.PAYOUTS_BLOCKED._value.get() == blocked_before + 1
    await w.run_for(10 * MINUTE)
    assert await w.fire_timers() == 0
    assert sent(w) == []
    assert w.repo.entries == {}
    report = await check(w.repo, w.fundings)
    assert violation_kinds(report) == [("amount_out_of_bounds", p.id)]
    assert not wire.check_to_pb(report).ok
    statement = await w.views.earnings(student("usr_s1").actor, "", 2026)
    assert (statement.totals, statement.count) == ([], 0)


async def test_the_maximum_itself_is_accepted_and_one_minor_unit_more_is_blocked() -> None:
    w = World(policy=replace(TEST_POLICY, max_amount_minor=50_000))
    at_max = await w.approve("eng_01a", fee=50_000)
    above = await w.approve("eng_01b", fee=50_001)
    assert at_max is not None
    assert at_max.status is S.ON_HOLD
    assert above is not None
    assert above.status is S.FAILED
    assert above.blocked_reason
    assert "at most 50000 minor units" in above.blocked_reason


async def test_a_blocked_payout_is_never_resumed_or_retried_only_cancelled() -> None:
    w = World()
    p = await w.approve("eng_01c", fee=INT64_MAX)
    assert p is not None
    await w.register("usr_s1")  # resumes failed payouts the student can fix: not this one
    assert w.payout("eng_01c").status is S.FAILED
    with pytest.raises(InvalidTransition, match="blocked"):
        await w.handlers.payouts.retry_payout(ADMIN, p.id)
    again = await w.approve("eng_01c", fee=INT64_MAX)  # a redelivery changes nothing
    assert again is not None
    assert again.version == w.payout("eng_01c").version
    cancelled = await w.handlers.payouts.cancel_payout(ADMIN, p.id, "fee entered wrongly")
    assert cancelled.status is S.CANCELLED
    assert w.repo.entries == {}  # nothing was accrued, nothing to reverse
    assert (await check(w.repo, w.fundings)).violations == []


async def test_the_repair_timer_blocks_a_payout_the_overflow_broke() -> None:
    w = World()
    now = w.clock.now()
    # What the overflow left: paid, its accrual never stored, the repair timer failing forever.
    broken = stored_before_the_bound(
        w,
        "eng_01d",
        INT64_MAX,
        status=S.PAID,
        payments=1,
        attempts=1,
        paid_at=now,
        ledger_due_at=now,
        next_poll_at=now + MINUTE,
        provider="sandbox",
    )
    with pytest.raises(AmountOverflow):
        entry_doc(plan(broken, now)[0])  # the accrual's fee + platform fee cannot be stored
    assert await w.fire_timers() >= 1
    healed = w.payout("eng_01d")
    assert (healed.status, healed.failure and healed.failure.code) == (
        S.FAILED,
        "amount_out_of_bounds",
    )
    assert (healed.ledger_due_at, healed.next_poll_at) == (None, None)
    assert w.event_types(healed.id) == ["PayoutFailed"]
    assert await w.fire_timers() == 0  # the repair timer stopped
    report = await check(w.repo, w.fundings)
    assert (violation_kinds(report), report.repairs_pending) == (
        [("amount_out_of_bounds", healed.id)],
        0,
    )
    statement = await w.views.earnings(student("usr_s1").actor, "", 2026)
    assert wire.statement_to_pb(statement).payout_count == 0


async def test_the_submit_timer_never_sends_an_amount_above_the_maximum() -> None:
    w = World()
    await w.register("usr_s1")
    fee = w.policy.max_amount_minor + 1  # storable, but above the maximum
    pending = stored_before_the_bound(w, "eng_01e", fee, next_attempt_at=w.clock.now())
    [accrual] = plan(pending, w.clock.now())
    w.repo.entries[accrual.id] = accrual  # its accrual was posted before the bound
    await w.run_for(MINUTE)
    assert w.payout("eng_01e").status is S.FAILED
    assert sent(w) == []
    report = await check(w.repo, w.fundings)
    assert sorted(violation_kinds(report)) == [
        ("amount_out_of_bounds", pending.id),
        ("unexpected_entry", accrual.id),
    ]


async def test_earnings_beyond_int64_are_a_clear_error_not_a_serializer_crash() -> None:
    w = World()
    now = w.clock.now()
    for engagement in ("eng_01f", "eng_01g"):  # paid before the bound, each alone storable
        stored_before_the_bound(
            w, engagement, INT64_MAX // 2 + 1, status=S.PAID, payments=1, paid_at=now
        )
    with pytest.raises(AmountOverflow, match="USD earnings total"):
        await w.views.earnings(student("usr_s1").actor, "", 2026)


async def test_a_total_of_exactly_int64_max_is_still_answered() -> None:
    w = World()
    stored_before_the_bound(
        w, "eng_01h", INT64_MAX, status=S.PAID, payments=1, paid_at=w.clock.now()
    )
    statement = await w.views.earnings(student("usr_s1").actor, "", 2026)
    assert wire.statement_to_pb(statement).total_paid[0].amount_minor == INT64_MAX


async def test_a_balance_beyond_int64_is_reported() -> None:
    w = World()
    for n in (1, 2):  # each entry balances and is storable; their sum is not
        big = (
            LedgerPosting("receivable:company:c", INT64_MAX, 0, "USD"),
            LedgerPosting("revenue:platform", 0, INT64_MAX, "USD"),
        )
        entry = JournalEntry(f"je_0{n}_accrual", f"pay_0{n}", EntryKind.ACCRUAL, big, w.clock.now())
        w.repo.entries[entry.id] = entry
    report = await check(w.repo, w.fundings)
    out_of_range = [s for k, s in violation_kinds(report) if k == "balance_out_of_range"]
    assert out_of_range == ["receivable:company:c", "revenue:platform"]


def test_nothing_beyond_int64_reaches_the_database() -> None:
    w = World()
    p = stored_before_the_bound(w, "eng_01i", 1_000)
    with pytest.raises(AmountOverflow, match="amount"):
        payout_fields(replace(p, amount=Money(INT64_MAX + 1, "USD")))
    entry = JournalEntry(
        "je_01i_accrual",
        p.id,
        EntryKind.ACCRUAL,
        (LedgerPosting("a", INT64_MAX + 1, 0, "USD"), LedgerPosting("b", 0, INT64_MAX + 1, "USD")),
        w.clock.now(),
    )
    with pytest.raises(AmountOverflow, match="je_01i_accrual debit"):
        entry_doc(entry)


def test_a_blocked_payout_requires_no_entries_even_once_cancelled() -> None:
    w = World()
    p, _ = stored_before_the_bound(w, "eng_01j", INT64_MAX).block(w.clock.now(), "too big")
    assert plan(p, w.clock.now()) == []
    cancelled, _ = p.cancel(w.clock.now(), "admin")
    assert plan(cancelled, w.clock.now()) == []
