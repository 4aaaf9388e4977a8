"""The funding use cases with an in-memory store: FundingSecured starts the engagement
whichever of it and CandidateHired comes first, once; the funding window's timer cancels."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest

from stint.kit.actor import Cause
from stint.kit.errors import FailedPrecondition, InvalidArgument
from submissions.domain import commands as cmd
from submissions.domain import events as ev
from submissions.domain.model import FUNDING_EXPIRED, Status

from .fakes import hire
from .test_handlers import ART, World


@pytest.fixture
def w() -> World:
    return World()


def started_causes(w: World) -> list[str]:
    return [c.causation_id for e, c in w.store.events if isinstance(e, ev.EngagementStarted)]


async def test_a_hire_waits_for_funding_and_funding_starts_it_once(w: World) -> None:
    e = await w.unfunded()
    assert e.status is Status.AWAITING_FUNDING
    assert w.store.kinds() == []
    funding = w.funded(e)
    assert await w.h.engagements.fund(funding, Cause.system("req-1", "evt_funded"))
    assert not await w.h.engagements.fund(funding, Cause.system("req-1", "evt_again"))
    assert w.store.kinds() == ["EngagementStarted"]
    assert started_causes(w) == ["evt_funded"]
    stored = w.store.docs[e.id]
    assert (stored.status, stored.started_at, stored.funding_due_at) == (
        Status.ACTIVE,
        w.clock.now(),
        None,
    )
    assert w.store.funded[e.id] == (funding.funding_id, funding.funded_at)


async def test_funding_that_overtakes_the_hire_starts_the_engagement_at_creation(
    w: World,
) -> None:
    h = hire()
    engagement_id = "eng_" + h.application_id[4:]
    early = cmd.Funded(engagement_id, "fnd_" + engagement_id[4:], None)
    assert not await w.h.engagements.fund(early, Cause.system("req-1", "evt_funded"))
    assert w.store.docs == {}  # nothing to start yet; the marker waits for the hire
    assert w.store.funded[engagement_id] == (early.funding_id, w.clock.now())

    assert await w.h.engagements.start(h, Cause.system("req-2", "evt_hired"), "evt_hired")
    assert not await w.h.engagements.start(h, Cause.system("req-2", "evt_h2"), "evt_h2")
    assert w.store.docs[engagement_id].status is Status.ACTIVE
    assert w.store.kinds() == ["EngagementStarted"]
    assert started_causes(w) == ["evt_hired"]


async def test_a_redelivered_hire_starts_what_an_interrupted_first_delivery_did_not(
    w: World,
) -> None:
    e = await w.unfunded()
    # The funding was recorded while the first delivery of the hire was between its insert
    # and its look-up, and that delivery then stopped: the redelivery finishes the job.
    await w.store.mark_funded(e.id, "fnd_" + e.id[4:], w.clock.now())
    assert not await w.h.engagements.start(hire_of(w, e.id), Cause.system("r", "evt_h2"), "evt_h2")
    assert w.store.docs[e.id].status is Status.ACTIVE
    assert w.store.kinds() == ["EngagementStarted"]


def hire_of(w: World, engagement_id: str) -> cmd.Hire:
    """The hire that created the engagement (the same application)."""
    return dataclasses.replace(hire(), application_id=w.store.docs[engagement_id].application_id)


async def test_an_activation_that_loses_a_race_decides_again(w: World) -> None:
    e = await w.unfunded()
    w.store.conflicts = 1  # e.g. the hire's own activation got there first
    assert await w.h.engagements.fund(w.funded(e), Cause.system())
    assert w.store.kinds() == ["EngagementStarted"]


async def test_funding_after_a_cancellation_starts_nothing(w: World) -> None:
    e = await w.unfunded()
    cancelled = await w.h.engagements.cancel(cmd.Cancel(e.id, "changed plans"), w.as_employer(e))
    assert cancelled.status is Status.CANCELLED
    assert not await w.h.engagements.fund(w.funded(e), Cause.system())
    assert w.store.kinds() == ["EngagementCancelled"]


async def test_work_on_an_unfunded_engagement_is_refused(w: World) -> None:
    e = await w.unfunded()
    with pytest.raises(FailedPrecondition, match="not funded yet"):
        await w.h.engagements.submit_work(
            cmd.SubmitWork(e.id, "done", ART, False, ""), w.as_student(e)
        )


async def test_a_funding_without_an_engagement_id_is_refused(w: World) -> None:
    with pytest.raises(InvalidArgument) as raised:
        await w.h.engagements.fund(cmd.Funded("", "fnd_x", None), Cause.system())
    assert [v.field for v in raised.value.violations] == ["funding.engagement_id"]
    assert w.store.funded == {}


async def test_the_funding_window_cancels_an_unfunded_engagement_once(w: World) -> None:
    e = await w.unfunded()
    funded = await w.engagement()
    await w.h.timers.funding_expired(e.id)  # not due yet
    assert w.store.docs[e.id].status is Status.AWAITING_FUNDING
    w.clock.advance(timedelta(hours=73))
    w.store.conflicts = 1  # a user's write wins first; the timer decides again
    await w.h.timers.funding_expired(e.id)
    await w.h.timers.funding_expired(e.id)
    await w.h.timers.funding_expired(funded.id)  # funded in time: left alone
    stored = w.store.docs[e.id]
    assert (stored.status, stored.cancel_reason) == (Status.CANCELLED, FUNDING_EXPIRED)
    assert w.store.docs[funded.id].status is Status.ACTIVE
    assert w.store.kinds() == ["EngagementStarted", "EngagementCancelled"]
    cancelled = next(c for x, c in w.store.events if isinstance(x, ev.EngagementCancelled))
    assert cancelled.actor.role == "system"
