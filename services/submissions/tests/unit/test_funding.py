"""The funding rules of the engagement: created awaiting funding, started once funded,
cancelled when the funding window passes first; never overdue before it started."""

from __future__ import annotations

from datetime import timedelta

import pytest

from stint.kit.ids import new_id
from submissions.domain import events as ev
from submissions.domain import schedule
from submissions.domain.errors import WrongState
from submissions.domain.model import (
    FUNDING_EXPIRED,
    Artifact,
    Engagement,
    Status,
    Submission,
    Windows,
    start,
)

from .fakes import T0, hire, unfunded

WINDOW = Windows().funding


def deliver(e: Engagement) -> list[ev.Event]:
    artifact = Artifact("deck.pdf", "https://files.example/deck.pdf")
    return e.submit(Submission(1, "done", (artifact,), False, "", T0), Windows())


def test_a_hire_creates_an_engagement_awaiting_funding() -> None:
    e = unfunded()
    assert e.status is Status.AWAITING_FUNDING
    assert e.created_at == T0
    assert e.started_at is None
    assert e.funding_due_at == T0 + timedelta(hours=72)


def test_funding_starts_the_work_once() -> None:
    e = unfunded()
    later = T0 + timedelta(hours=5)
    [started] = e.fund(later)
    assert isinstance(started, ev.EngagementStarted)
    assert started.engagement.status is Status.ACTIVE
    assert (e.status, e.started_at, e.funding_due_at) == (Status.ACTIVE, later, None)
    assert e.fund(later + timedelta(hours=1)) == []  # a redelivered FundingSecured
    assert e.started_at == later


def test_work_is_refused_until_funded() -> None:
    e = unfunded()
    with pytest.raises(WrongState, match="the engagement is not funded yet"):
        deliver(e)
    e.fund(T0)
    assert [type(x) for x in deliver(e)] == [ev.WorkSubmitted]


def test_an_engagement_awaiting_funding_can_be_cancelled_and_then_not_funded() -> None:
    e = unfunded()
    [cancelled] = e.cancel("hired the wrong person", T0)
    assert isinstance(cancelled, ev.EngagementCancelled)
    assert (e.status, e.funding_due_at) == (Status.CANCELLED, None)
    assert e.fund(T0 + timedelta(hours=1)) == []  # payouts refunds; the work never starts
    assert e.status is Status.CANCELLED


def test_the_funding_window_cancels_only_an_engagement_still_awaiting_funding() -> None:
    e = unfunded()
    assert e.expire_funding(T0 + WINDOW - timedelta(seconds=1)) == []
    [cancelled] = e.expire_funding(T0 + WINDOW)
    assert isinstance(cancelled, ev.EngagementCancelled)
    assert cancelled.reason == FUNDING_EXPIRED == "funding not received in time"
    assert (e.status, e.cancel_reason, e.cancelled_at) == (
        Status.CANCELLED,
        FUNDING_EXPIRED,
        T0 + WINDOW,
    )
    assert e.expire_funding(T0 + 2 * WINDOW) == []  # fires once

    funded = unfunded()
    funded.fund(T0 + timedelta(hours=1))
    assert funded.expire_funding(T0 + 2 * WINDOW) == []
    assert funded.status is Status.ACTIVE


def test_the_funding_window_is_a_setting() -> None:
    e = start("eng_" + new_id("app")[4:], hire(), 2, T0, Windows(funding=timedelta(hours=1)))
    assert e.funding_due_at == T0 + timedelta(hours=1)


def test_an_unfunded_engagement_is_never_overdue() -> None:
    e = unfunded()
    assert e.due_date is not None
    late = e.due_date + timedelta(days=1)
    assert schedule.overdue_due_at(e) is None
    assert schedule.mark_overdue(e, late) == []
    # Funded after its due date (the window allows it when the due date is close): the work
    # is late from the start, and announced at once.
    e.fund(late)
    assert schedule.overdue_due_at(e) == e.due_date
    assert [type(x) for x in schedule.mark_overdue(e, late)] == [ev.EngagementOverdue]
