"""Timer-driven processing: races with account changes, and the events' correlation."""

from __future__ import annotations

from datetime import timedelta

from payouts.domain.values import PayoutStatus as S
from stint.payouts.v1 import events_pb2 as ev

from .world import World

MINUTE = timedelta(minutes=1)


async def test_account_fixed_while_an_attempt_is_in_flight_is_used_for_the_next_attempt() -> None:
    w = World()
    await w.register("usr_s1", token="tok_closed_0001")
    await w.approve("eng_01q")
    await w.fire_timers()
    assert w.payout("eng_01q").status is S.PROCESSING
    await w.register("usr_s1", token="tok_good_0002")  # nothing to resume yet: in flight
    await w.run_for(MINUTE)
    p = w.payout("eng_01q")
    assert (p.status, p.attempts) == (S.PAID, 2)
    assert w.event_types("pay_01q") == [
        "PayoutScheduled",
        "PayoutFailed",
        "PayoutScheduled",
        "PayoutPaid",
    ]


async def test_timer_driven_events_stay_in_the_approvals_correlation_chain() -> None:
    w = World()
    await w.register("usr_s1")
    await w.approve("eng_01r")
    await w.run_for(MINUTE)
    [scheduled, paid] = [e for e in w.repo.published if e.subject == "pay_01r"]
    first = ev.PayoutScheduled.FromString(scheduled.data).context
    last = ev.PayoutPaid.FromString(paid.data).context
    assert first.correlation_id == last.correlation_id == "corr-eng_01r"
    assert first.causation_id.startswith("evt_")
    assert (last.actor.role, last.causation_id) == ("system", "")


async def test_an_account_in_another_currency_is_refused_clearly_and_a_matching_one_resumes() -> (
    None
):
    # A USD payout reached an EUR account and was marked PAID; nothing converts money here.
    w = World()
    await w.register("usr_s1", currency="EUR")
    await w.approve("eng_01s")
    await w.run_for(MINUTE)
    refused = w.payout("eng_01s")
    assert (refused.status, refused.attempts) == (S.FAILED, 0)  # no provider saw it
    assert refused.failure is not None
    assert (refused.failure.code, refused.failure.retryable) == ("currency_mismatch", False)
    assert "USD" in refused.failure.message
    assert "EUR" in refused.failure.message
    await w.run_for(MINUTE)
    assert w.payout("eng_01s").attempts == 0  # not retried on its own: the student must act
    await w.register("usr_s1", currency="USD")
    await w.run_for(MINUTE)
    assert (w.payout("eng_01s").status, w.payout("eng_01s").attempts) == (S.PAID, 1)
    assert w.event_types("pay_01s") == [
        "PayoutScheduled",
        "PayoutFailed",
        "PayoutScheduled",
        "PayoutPaid",
    ]
