"""The engagement state machine, revision limit, auto-approval and overdue rules."""

from __future__ import annotations

from datetime import timedelta

import pytest

from submissions.domain import events as ev
from submissions.domain import schedule
from submissions.domain.errors import RevisionLimitReached, WrongState
from submissions.domain.model import (
    Artifact,
    Decision,
    Engagement,
    Review,
    Status,
    Submission,
    Windows,
)

from .fakes import T0, engagement

W = Windows()


def deliver(e: Engagement, at: timedelta = timedelta(days=1)) -> list[ev.Event]:
    number = e.next_submission_number()
    artifact = Artifact("deck.pdf", "https://files.example/deck.pdf")
    return e.submit(Submission(number, "done", (artifact,), False, "", T0 + at), W)


def review(e: Engagement, decision: Decision, number: int | None = None) -> Review:
    latest = e.latest
    assert latest is not None
    return Review(number or latest.number, decision, "fix it", (), "usr_boss", T0)


def test_submitting_starts_the_review_window() -> None:
    e = engagement()
    events = deliver(e)
    assert e.status is Status.SUBMITTED
    assert e.review_due_at == T0 + timedelta(days=8)
    assert isinstance(events[0], ev.WorkSubmitted)
    assert events[0].submission_number == 1
    with pytest.raises(WrongState):
        deliver(e)  # nothing to deliver while a submission waits for review


def test_revisions_are_numbered_and_limited() -> None:
    e = engagement(limit=2)
    for n in (1, 2):
        deliver(e)
        e.request_revision(review(e, Decision.REVISION_REQUESTED))
        assert e.status is Status.REVISION_REQUESTED
        assert e.revisions_used == n
    deliver(e)
    assert [s.number for s in e.submissions] == [1, 2, 3]
    with pytest.raises(RevisionLimitReached):
        e.request_revision(review(e, Decision.REVISION_REQUESTED))
    assert e.status is Status.SUBMITTED  # the employer must approve or cancel
    e.approve(review(e, Decision.APPROVED), W)
    assert e.status is Status.COMPLETED


def test_a_zero_revision_limit_allows_none() -> None:
    e = engagement(limit=0)
    deliver(e)
    with pytest.raises(RevisionLimitReached):
        e.request_revision(review(e, Decision.REVISION_REQUESTED))


def test_approval_pays_then_completes() -> None:
    e = engagement()
    deliver(e)
    approved, completed = e.approve(review(e, Decision.APPROVED), W)
    assert isinstance(approved, ev.SubmissionApproved)
    assert approved.engagement.status is Status.APPROVED
    assert approved.engagement.fee.amount_minor == 50_000
    assert not approved.auto_approved
    assert isinstance(completed, ev.EngagementCompleted)
    assert e.status is Status.COMPLETED
    assert e.review_due_at is None
    assert e.is_approval_of(1)
    with pytest.raises(WrongState):
        e.approve(review(e, Decision.APPROVED), W)


def test_only_the_latest_submission_can_be_reviewed() -> None:
    e = engagement()
    deliver(e)
    e.request_revision(review(e, Decision.REVISION_REQUESTED))
    deliver(e)
    with pytest.raises(WrongState):
        e.approve(review(e, Decision.APPROVED, number=1), W)


def test_nothing_to_review_before_a_submission() -> None:
    e = engagement()
    with pytest.raises(WrongState):
        e.approve(Review(1, Decision.APPROVED, "", (), "usr_x", T0), W)


def test_auto_approval_only_after_the_review_window() -> None:
    e = engagement()
    deliver(e)
    assert e.auto_approve(T0 + timedelta(days=7, hours=23), W) == []
    events = e.auto_approve(T0 + timedelta(days=8), W)
    assert [type(x) for x in events] == [ev.SubmissionApproved, ev.EngagementCompleted]
    assert isinstance(events[0], ev.SubmissionApproved)
    assert events[0].auto_approved
    assert e.reviews[-1].decision is Decision.AUTO_APPROVED
    assert e.auto_approve(T0 + timedelta(days=30), W) == []  # fires once


def test_no_auto_approval_once_reviewed() -> None:
    e = engagement()
    deliver(e)
    e.request_revision(review(e, Decision.REVISION_REQUESTED))
    assert e.auto_approve(T0 + timedelta(days=30), W) == []


@pytest.mark.parametrize("status", [Status.ACTIVE, Status.SUBMITTED, Status.REVISION_REQUESTED])
def test_cancellable_until_approved(status: Status) -> None:
    e = engagement()
    e.status = status
    events = e.cancel("budget cut", T0)
    assert e.status is Status.CANCELLED
    assert isinstance(events[0], ev.EngagementCancelled)
    assert events[0].reason == "budget cut"


def test_not_cancellable_after_completion() -> None:
    e = engagement()
    deliver(e)
    e.approve(review(e, Decision.APPROVED), W)
    with pytest.raises(WrongState):
        e.cancel("changed my mind", T0)
    with pytest.raises(WrongState):
        deliver(e)


def test_overdue_once_and_only_with_nothing_submitted() -> None:
    e = engagement()
    assert e.due_date is not None
    assert schedule.mark_overdue(e, e.due_date - timedelta(minutes=1)) == []
    events = schedule.mark_overdue(e, e.due_date)
    assert [type(x) for x in events] == [ev.EngagementOverdue]
    assert schedule.mark_overdue(e, e.due_date + timedelta(days=1)) == []
    assert schedule.overdue_due_at(e) is None

    late = engagement()
    deliver(late)
    assert schedule.overdue_due_at(late) is None
    assert late.due_date is not None
    assert schedule.mark_overdue(late, late.due_date + timedelta(days=1)) == []
