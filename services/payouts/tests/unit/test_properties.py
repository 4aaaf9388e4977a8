"""Property tests: random sequences of approvals, redeliveries, account changes, provider
failures, crashes, admin actions and time. Whatever happens:

- every journal entry balances and no student payable is ever negative (checked after each step);
- money leaves at most once per payout at any time, and once the students fix their accounts
  every approved, uncancelled engagement is paid exactly once, with a clean ledger check.
"""

from __future__ import annotations

import asyncio
import contextlib
from datetime import timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from payouts.domain.errors import InvalidTransition, PayoutNotFound
from payouts.domain.ledger import Balances, unbalanced_currencies
from payouts.domain.values import PayoutStatus as S
from payouts.handlers import check
from stint.kit.errors import ConcurrencyConflict

from .fakes import MemorySandboxStore
from .world import ADMIN, World

ENGAGEMENTS = [f"eng_0{i}" for i in range(5)]
STUDENTS = ["usr_a", "usr_b"]
TOKENS = ["tok_good_1", "tok_flaky_1", "tok_closed_1", "tok_invalid_1", "tok_returned_1"]

approve = st.tuples(
    st.just("approve"), st.sampled_from(ENGAGEMENTS), st.sampled_from([5_000, 12_345])
)
register = st.tuples(st.just("register"), st.sampled_from(STUDENTS), st.sampled_from(TOKENS))
advance = st.tuples(st.just("advance"), st.integers(1, 400), st.just(0))
retry = st.tuples(st.just("retry"), st.sampled_from(ENGAGEMENTS), st.just(0))
cancel = st.tuples(st.just("cancel"), st.sampled_from(ENGAGEMENTS), st.just(0))
crash = st.tuples(st.just("crash"), st.integers(1, 2), st.just(0))
single = st.one_of(approve, approve, register, advance, advance, retry, cancel, crash)
# Two operations and a timer pass at once, interleaved at every repository call (replicas,
# a consumer and an RPC racing on the same payout or account).
together = st.tuples(st.just("together"), single, single)
operations = st.lists(st.one_of(single, single, together), max_size=40)
EXPECTED = (InvalidTransition, PayoutNotFound, ConnectionError, ConcurrencyConflict)


def student_of(engagement: str) -> str:
    return STUDENTS[int(engagement[-1]) % 2]


def money_out(world: World) -> dict[str, int]:
    """Per payout: sandbox attempts that are settled as paid and not returned right now."""
    store = world.sandbox._store
    assert isinstance(store, MemorySandboxStore)
    now = world.clock.now()
    out: dict[str, int] = {}
    for record in store.records.values():
        returned = record["returns_at"] is not None and now >= record["returns_at"]
        if record["paid"] and now >= record["settles_at"] and not returned:
            out[record["payout_id"]] = out.get(record["payout_id"], 0) + 1
    return out


def assert_invariants(world: World) -> None:
    balances = Balances()
    for entry in world.repo.entries.values():
        assert unbalanced_currencies(entry) == [], entry
        balances.add(entry)
    assert balances.negative_payables() == []
    assert all(n <= 1 for n in money_out(world).values())
    for p in world.repo.payouts.values():
        assert p.payments - p.returns in (0, 1)


async def step(world: World, op: tuple[str, object, object], amounts: dict[str, int]) -> None:
    kind, a, b = op
    if kind == "approve":
        engagement, fee = str(a), int(str(b))
        amounts.setdefault(engagement, fee)
        await world.approve(engagement, student_id=student_of(engagement), fee=fee)
    elif kind == "register":
        await world.register(str(a), token=str(b))
    elif kind == "advance":
        world.clock.advance(timedelta(seconds=int(str(a))))
        await world.fire_timers()
    elif kind == "retry":
        await world.handlers.payouts.retry_payout(ADMIN, "pay_" + str(a).split("_")[1])
    elif kind == "cancel":
        await world.handlers.payouts.cancel_payout(ADMIN, "pay_" + str(a).split("_")[1], "admin")
    elif kind == "crash":
        world.repo.fail_entry_inserts = int(str(a))


async def scenario(ops: list[tuple[str, object, object]]) -> None:
    world = World(settle_seconds=3, return_seconds=20)
    world.repo.interleave = True
    amounts: dict[str, int] = {}
    for op in ops:
        # Refused, lost a race, or crashed: the consumer / timer / caller retries later.
        if op[0] == "together":
            results = await asyncio.gather(
                step(world, op[1], amounts),  # type: ignore[arg-type]
                step(world, op[2], amounts),  # type: ignore[arg-type]
                world.fire_timers(),
                return_exceptions=True,
            )
            for result in results:
                if isinstance(result, BaseException) and not isinstance(result, EXPECTED):
                    raise result
        else:
            with contextlib.suppress(*EXPECTED):
                await step(world, op, amounts)
        assert_invariants(world)
    # The students fix their accounts; the platform keeps running for a while.
    world.repo.fail_entry_inserts = 0
    for engagement, fee in amounts.items():  # redeliveries after the crashes
        await world.approve(engagement, student_id=student_of(engagement), fee=fee)
    for s in STUDENTS:
        await world.register(s, token="tok_fixed_" + s)
    await world.run_for(timedelta(hours=1), step=timedelta(seconds=7))
    assert_invariants(world)
    out = money_out(world)
    for engagement, fee in amounts.items():
        p = world.payout(engagement)
        assert p.amount.amount_minor == fee
        if p.status is S.CANCELLED:
            assert out.get(p.id, 0) == 0
            continue
        assert p.status is S.PAID, p
        assert (p.payments - p.returns, out.get(p.id, 0)) == (1, 1)
        assert world.event_types(p.id).count("PayoutPaid") == p.payments
    assert set(world.repo.payouts) == {"pay_" + e.split("_")[1] for e in amounts}
    report = await check(world.repo, world.fundings)
    assert (report.violations, report.repairs_pending) == ([], 0)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(operations)
def test_every_approved_engagement_is_paid_exactly_once(
    ops: list[tuple[str, object, object]],
) -> None:
    asyncio.run(scenario(ops))
