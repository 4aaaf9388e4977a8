"""The posting's kill fee: owed to the intern when the employer cancels work in progress, and
only then (not before the work started, not when the intern withdraws or an admin cancels);
carried by EngagementCancelled and visible on the engagement."""

from __future__ import annotations

import dataclasses

import pytest

from stint.kit.money import Money
from submissions.domain import cancellation
from submissions.domain import commands as cmd
from submissions.domain.events import EngagementCancelled
from submissions.domain.model import Party, Status

from .fakes import engagement, unfunded
from .test_handlers import World


@pytest.mark.parametrize(
    ("percent", "status", "by", "owed"),
    [
        (25, Status.ACTIVE, Party.EMPLOYER, 12_500),
        (33, Status.ACTIVE, Party.EMPLOYER, 16_500),
        (0, Status.ACTIVE, Party.EMPLOYER, None),
        (25, Status.ACTIVE, Party.STUDENT, None),
        (25, Status.ACTIVE, Party.PLATFORM, None),
        (25, Status.AWAITING_FUNDING, Party.EMPLOYER, None),
    ],
)
def test_the_kill_fee_is_owed_only_for_an_employer_stopping_started_work(
    percent: int, status: Status, by: Party, owed: int | None
) -> None:
    e = engagement() if status is Status.ACTIVE else unfunded()
    e.kill_fee_percent = percent
    fee = cancellation.kill_fee(e, by)
    assert (fee.amount_minor if fee else None) == owed
    if fee:
        assert fee.currency == e.fee.currency


def test_a_fraction_of_a_minor_unit_stays_with_the_company() -> None:
    e = dataclasses.replace(engagement(), fee=Money(10_001, "USD"), kill_fee_percent=25)
    assert cancellation.kill_fee(e, Party.EMPLOYER) == Money(2_500, "USD")


async def test_an_employer_cancelling_started_work_pays_the_kill_fee_on_the_event() -> None:
    w = World()
    e = await w.engagement()
    w.store.docs[e.id].kill_fee_percent = 20
    cancelled = await w.h.engagements.cancel(
        cmd.Cancel(e.id, "priorities changed"), w.as_employer(e)
    )
    assert (cancelled.status, cancelled.kill_fee) == (Status.CANCELLED, Money(10_000, "USD"))
    event, _ = w.store.events[-1]
    assert isinstance(event, EngagementCancelled)
    assert event.kill_fee == Money(10_000, "USD")
    withdrawn = await w.engagement()
    w.store.docs[withdrawn.id].kill_fee_percent = 20
    left = await w.h.engagements.withdraw(
        cmd.Cancel(withdrawn.id, "found a job"), w.as_student(withdrawn)
    )
    assert left.kill_fee is None
