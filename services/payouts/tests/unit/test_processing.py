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
